"""Puente's own exception types; each boundary (CLI, HTTP, actions) translates them."""


class PuenteError(Exception):
    """Base class: the message is meant for a person."""


class InvalidRequestError(PuenteError):
    """What was asked cannot be answered as asked (bad text, unknown job, empty profile):
    the caller can fix it (HTTP 422)."""


class UnavailableError(PuenteError):
    """Something Puente needs is not there (taxonomy, model, index): not the caller's fault
    (HTTP 503)."""


class ConfigurationError(UnavailableError):
    """A setting is missing or invalid."""


class TaxonomyImportError(PuenteError):
    """An ESCO file is missing, broken or not what it claims to be."""


class TaxonomyNotLoadedError(UnavailableError):
    """The ESCO tables are empty: run `assistant taxonomy import`."""


class InputTextError(InvalidRequestError):
    """Text given to the engine cannot be processed (empty, too long, not text)."""


class ModelUnavailableError(UnavailableError):
    """An embedding model or spaCy pipeline is not installed."""


class IndexBuildError(UnavailableError):
    """An index could not be built or loaded."""
