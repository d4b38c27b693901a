/* The conversation page: the transcript opens at its newest message (where the request for
 * a person is) and follows the conversation live, without reloading the page (a message
 * being typed in the forms is kept). */
"use strict";
const list = document.getElementById("transcript");
const toEnd = () => { list.scrollTop = list.scrollHeight; };
toEnd();
let last = list.innerHTML;
async function refresh() {
  try {
    const response = await fetch(list.dataset.src, { credentials: "same-origin" });
    if (!response.ok) return;
    const html = await response.text();
    if (html !== last) {
      const atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
      list.innerHTML = html;
      last = html;
      if (atEnd) toEnd();
    }
  } catch (e) { /* offline for a moment: try again at the next tick */ }
}
setInterval(refresh, 3000);
