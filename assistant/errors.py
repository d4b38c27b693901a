"""Puente's own exception types; each boundary (CLI, HTTP, actions) translates them."""


class PuenteError(Exception):
    """Base class: the message is meant for a person."""


class ConfigurationError(PuenteError):
    """A setting is missing or invalid."""


class TaxonomyImportError(PuenteError):
    """An ESCO file is missing, broken or not what it claims to be."""


class TaxonomyNotLoadedError(PuenteError):
    """The ESCO tables are empty: run `assistant taxonomy import`."""


class InputTextError(PuenteError):
    """Text given to the engine cannot be processed (empty, too long, not text)."""


class ModelUnavailableError(PuenteError):
    """An embedding model or spaCy pipeline is not installed."""


class IndexBuildError(PuenteError):
    """An index could not be built or loaded."""
