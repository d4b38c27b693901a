/* The queue page reloads itself when the queue changes (server-sent events). */
"use strict";
const source = new EventSource("/console/queue/stream");
source.onmessage = () => { source.close(); location.reload(); };
