"""Cases a counsellor takes: a worker's request for a person, its queue, status and notes
(stored with the conversation). Used by the dialogue's services (a request is opened) and by
the console (the queue is worked)."""
