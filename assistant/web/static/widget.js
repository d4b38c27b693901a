/* Puente chat widget. One tag on any page:
 *   <script src="https://PUENTE/static/widget.js" data-api="https://PUENTE"
 *           data-socket="https://RASA" data-lang="es" defer></script>
 * No framework. Talks to Rasa's socket.io channel (connectors/socketio_channel.py) with a
 * short-lived token from the web app; the same conversation survives reloads (docs/widget.md):
 * the transcript, whether the panel was open, and the choices still to be made. */
(function () {
  "use strict";
  var script = document.currentScript;
  var cfg = script.dataset;
  var api = (cfg.api || "").replace(/\/$/, "");
  var socketUrl = (cfg.socket || "").replace(/\/$/, "");
  var lang = cfg.lang === "en" ? "en" : "es";
  var T = {
    es: { open: "Hablar con Puente", title: "Puente · orientación laboral", close: "Cerrar",
      placeholder: "Escribe tu mensaje…", send: "Enviar", typing: "Puente está escribiendo…",
      offline: "Sin conexión. Reintentando…", you: "Tú", bot: "Puente", log: "Conversación",
      chart: "Gráfico: las habilidades que ya tienes y las que te faltan, por grupo",
      role: "orientación laboral", hello: "hola",
      gap: "{n} mensajes del medio de esta conversación ya no se guardan en este navegador." },
    en: { open: "Chat with Puente", title: "Puente · career guidance", close: "Close",
      placeholder: "Type your message…", send: "Send", typing: "Puente is typing…",
      offline: "Offline. Reconnecting…", you: "You", bot: "Puente", log: "Conversation",
      chart: "Chart: the skills you have and those you still need, by group",
      role: "counsellor", hello: "hello",
      gap: "{n} messages from the middle of this conversation are no longer kept in this browser." }
  }[lang];
  // A counsellor-started session passes its own token and keeps its transcript apart.
  var fixedToken = cfg.token || null;
  var TOKEN_KEY = fixedToken ? "puente.case.token" : "puente.token";
  var LOG_KEY = fixedToken ? "puente.case.log." + (cfg.case || "") : "puente.log";
  var OPEN_KEY = fixedToken ? "puente.case.open." + (cfg.case || "") : "puente.open";
  // The transcript kept in this browser is bounded, never by silently dropping its beginning:
  // past the limits the first HEAD messages stay (greeting, consent, first story), then a line
  // saying how many were dropped, then the most recent ones.
  var MAX_ITEMS = 400, MAX_CHARS = 400000, HEAD = 10;
  var TYPING_MS = 60000;  // no answer by then (e.g. a person holds the conversation): stop

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }
  function each(nodes, fn) { Array.prototype.forEach.call(nodes, fn); }

  // -- the UI ---------------------------------------------------------------------------------
  var css = el("link", { rel: "stylesheet", href: api + "/static/widget.css" });
  document.head.appendChild(css);
  var root = el("aside", { class: "puente-widget", lang: lang, "aria-label": T.title });
  var launcher = el("button", { class: "puente-launcher", type: "button", "aria-expanded": "false",
    "aria-controls": "puente-panel" }, T.open);
  var panel = el("section", { id: "puente-panel", class: "puente-panel", role: "dialog",
    "aria-label": T.title, hidden: "" });
  var header = el("header", { class: "puente-header" });
  header.appendChild(el("h2", {}, T.title));
  var close = el("button", { type: "button", class: "puente-close", "aria-label": T.close });
  close.appendChild(el("span", { "aria-hidden": "true" }, "×"));
  header.appendChild(close);
  var log = el("div", { class: "puente-log", role: "log", "aria-live": "polite",
    "aria-label": T.log, tabindex: "0" });
  var list = el("ol", { class: "puente-items" });
  log.appendChild(list);
  var typing = el("p", { class: "puente-typing", hidden: "" }, T.typing);
  var status = el("p", { class: "puente-status", role: "status" });
  var form = el("form", { class: "puente-form" });
  var input = el("textarea", { rows: "1", placeholder: T.placeholder, "aria-label": T.placeholder,
    maxlength: "2000" });
  var send = el("button", { type: "submit" }, T.send);
  form.appendChild(input); form.appendChild(send);
  [header, log, typing, status, form].forEach(function (n) { panel.appendChild(n); });
  root.appendChild(launcher); root.appendChild(panel);
  document.body.appendChild(root);

  function remembered(key) { try { return sessionStorage.getItem(key); } catch (e) { return null; } }
  function keep(key, value) { try { sessionStorage.setItem(key, value); } catch (e) { /* private */ } }
  function toEnd() { log.scrollTop = log.scrollHeight; }
  // Where focus goes in the panel: the text box; on a touch screen the conversation itself, so
  // that opening the panel or tapping a choice does not raise a keyboard over the answer.
  function focusHome() {
    var touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
    (touch ? log : input).focus({ preventScroll: true });
  }
  function setOpen(open, restoring) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    keep(OPEN_KEY, open ? "1" : "0");
    if (open) {
      connect(); greet(); toEnd();
      if (!restoring) focusHome();
    } else { launcher.focus(); }
  }
  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  close.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") setOpen(false); });

  var typingTimer = null;
  function setTyping(on) {
    typing.hidden = !on;
    clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(function () { setTyping(false); }, TYPING_MS);
    toEnd();  // the indicator takes room from the log: the last message stays in view
  }

  // -- the transcript (kept in this browser so a reload shows the same conversation) ---------
  function stored() {
    try {
      var items = JSON.parse(localStorage.getItem(LOG_KEY) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (e) { return []; }
  }
  function bounded(items, maxChars) {
    var sizes = items.map(function (i) { return JSON.stringify(i).length + 1; });
    var total = sizes.reduce(function (a, b) { return a + b; }, 2);
    if (items.length <= MAX_ITEMS && total <= maxChars) return items;
    var head = items.slice(0, HEAD), rest = items.slice(HEAD), restSizes = sizes.slice(HEAD);
    var dropped = 0;
    if (rest.length && rest[0].from === "gap") {
      dropped = rest[0].n || 0; total -= restSizes.shift(); rest.shift();
    }
    while (rest.length > 1 && (HEAD + 1 + rest.length > MAX_ITEMS || total + 40 > maxChars)) {
      total -= restSizes.shift(); rest.shift(); dropped++;
    }
    return head.concat([{ from: "gap", n: dropped }], rest);
  }
  function save(items) {
    try { localStorage.setItem(LOG_KEY, JSON.stringify(bounded(items, MAX_CHARS))); } catch (e) {
      // the browser's storage is full: keep less, the same way
      try { localStorage.setItem(LOG_KEY, JSON.stringify(bounded(items, MAX_CHARS / 8))); }
      catch (e2) { /* nothing more to do */ }
    }
  }
  function remember(item) {
    item.id = Date.now().toString(36) + Math.random().toString(36).slice(2, 7);
    var items = stored(); items.push(item); save(items);
  }
  function rememberChoice(id, index) {
    var items = stored();
    items.forEach(function (i) { if (i.id === id) i.chosen = index; });
    save(items);
  }
  function linkify(parent, text) {
    var parts = String(text).split(/(https?:\/\/[^\s<]+)/g);
    parts.forEach(function (part, i) {
      if (i % 2 === 1) {
        var a = el("a", { href: part, target: "_blank", rel: "noopener" }, part);
        parent.appendChild(a);
      } else {
        part.split("\n").forEach(function (line, j) {
          if (j) parent.appendChild(el("br"));
          parent.appendChild(document.createTextNode(line));
        });
      }
    });
  }
  // Our own charts are shown as SVG (sharp and legible at a phone's width); WhatsApp and the
  // printable summary keep the PNG, which is also the fallback here.
  function image(src) {
    var chart = /^(.*\/charts\/[0-9a-f]{24})\.png$/.exec(src);
    var img = el("img", { src: chart ? chart[1] + ".svg" : src, alt: T.chart });
    if (chart) {
      img.className = "puente-chart";
      img.addEventListener("error", function fallback() {
        img.removeEventListener("error", fallback); img.src = src;
      });
    }
    img.addEventListener("load", toEnd);
    return img;
  }

  // Choices: usable until the person answers (a tap or anything typed); then kept, disabled
  // but legible, with the one chosen marked.
  var liveGroups = [];
  function markUsed(group, chosen) {
    group.classList.add("puente-used");
    each(group.querySelectorAll("button"), function (btn, i) {
      btn.disabled = true;
      btn.setAttribute("aria-pressed", String(i === chosen));
      if (i === chosen && !btn.querySelector(".puente-check")) {
        btn.insertBefore(el("span", { class: "puente-check", "aria-hidden": "true" }, "✓ "),
          btn.firstChild);
      }
    });
  }
  function retire() {
    liveGroups.splice(0).forEach(function (g) {
      if (!g.classList.contains("puente-used")) markUsed(g, -1);
    });
  }
  function choices(item, live) {
    var group = el("div", { class: item.list ? "puente-list" : "puente-buttons", role: "group" });
    item.buttons.forEach(function (b, i) {
      var btn = el("button", { type: "button" }, b.title);
      btn.addEventListener("click", function () {
        if (btn.disabled) return;
        markUsed(group, i);
        if (item.id) rememberChoice(item.id, i);
        say(b.payload, b.title);
        focusHome();  // the button is disabled now: focus must not fall to the page
      });
      group.appendChild(btn);
    });
    if (live) liveGroups.push(group); else markUsed(group, item.chosen);
    return group;
  }
  function render(item, live) {
    var li;
    if (item.from === "gap" || item.from === "notice") {
      li = el("li", { class: "puente-notice" },
        item.from === "gap" ? T.gap.replace("{n}", item.n) : item.text);
    } else {
      li = el("li", { class: "puente-msg puente-" + item.from });
      if (item.from === "counsellor") {
        // a person, not the bot: their name and role, seen and heard
        li.appendChild(el("span", { class: "puente-who", "aria-hidden": "true" },
          item.who + " · " + T.role));
        li.appendChild(el("span", { class: "puente-sr" }, item.who + " (" + T.role + "): "));
      } else {
        li.appendChild(el("span", { class: "puente-sr" },
          (item.from === "user" ? T.you : T.bot) + ": "));
      }
      if (item.text) { var p = el("p"); linkify(p, item.text); li.appendChild(p); }
      if (item.image) { li.classList.add("puente-wide"); li.appendChild(image(item.image)); }
      if ((item.buttons || []).length) li.appendChild(choices(item, live));
    }
    list.appendChild(li);
    toEnd();
  }
  function show(item) { remember(item); render(item, true); }

  // Whether a person (a counsellor) holds the conversation: the bot is paused, so no
  // "Puente is typing" after the worker writes. Known from the join/leave notices.
  var human = false;
  function replay() {
    var items = stored(), lastUser = -1;
    items.forEach(function (it, i) { if (it.from === "user") lastUser = i; });
    items.forEach(function (it, i) {
      if (it.from === "counsellor") human = true;
      if (it.from === "notice") human = it.notice === "joined";
      render(it, i > lastUser);
    });
  }

  // -- the connection ---------------------------------------------------------------------------
  var socket = null;
  // The conversation's language, and where the browser is (its language tag and time zone),
  // so that prices come in the worker's own currency without asking for their country.
  function place() {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    return { language: lang, locale: navigator.language || "", timezone: zone };
  }
  var waiting = [];  // sent before the client library had loaded: emitted once the socket exists
  function token() {
    if (fixedToken) return Promise.resolve(fixedToken);
    return fetch(api + "/api/v1/widget/session", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ previous: localStorage.getItem(TOKEN_KEY) })
    }).then(function (r) { if (!r.ok) throw new Error("token " + r.status); return r.json(); })
      .then(function (data) { localStorage.setItem(TOKEN_KEY, data.token); return data.token; });
  }
  function loadClient(done) {
    if (window.io) return done();
    var s = el("script", { src: api + "/static/vendor/socket.io.min.js" });
    s.onload = done; document.head.appendChild(s);
  }
  function fromBot(m) {
    if (m.counsellor && m.notice) {
      human = m.notice === "joined";
      return { from: "notice", notice: m.notice, who: m.counsellor, text: m.text || "" };
    }
    if (m.counsellor) { human = true; return { from: "counsellor", who: m.counsellor, text: m.text || "" }; }
    var item = { from: "bot", text: m.text || "" };
    if (m.attachment && m.attachment.payload) item.image = m.attachment.payload.src;
    if (m.quick_replies) item.buttons = m.quick_replies;
    if (m.buttons) item.buttons = m.buttons;
    if (m.rows) { item.list = true; item.buttons = m.rows.map(function (r) {
      return { title: r.title, payload: r.payload || r.title }; }); }
    return item;
  }
  function connect() {
    if (socket) return;
    if (!list.children.length) replay();
    loadClient(function () {
      socket = window.io(socketUrl, {
        path: "/socket.io", transports: ["websocket"],
        auth: function (cb) { token().then(function (t) { cb({ token: t }); }, function () { cb({}); }); }
      });
      waiting.splice(0).forEach(function (data) { socket.emit("user_uttered", data); });
      socket.on("connect", function () {
        status.textContent = "";
        socket.emit("session_request", {});
        if (cfg.code && !remembered("puente.code." + cfg.code)) {
          // arrived through a counsellor's link: continue that conversation here
          keep("puente.code." + cfg.code, "1");
          say((lang === "en" ? "my code is " : "mi código es ") + cfg.code);
        }
      });
      socket.on("disconnect", function () { status.textContent = T.offline; });
      socket.on("connect_error", function () { status.textContent = T.offline; });
      socket.on("bot_uttered", function (m) {
        setTyping(false);
        if (m.forget) {
          // the person's data was erased: so is this browser's copy, and the next message
          // starts a new conversation
          localStorage.removeItem(LOG_KEY); localStorage.removeItem(TOKEN_KEY);
          list.innerHTML = ""; liveGroups = []; human = false;
          render({ from: "bot", text: m.text || "" }, true);
          var old = socket; socket = null; old.disconnect(); connect();
          return;
        }
        show(fromBot(m));
      });
    });
  }
  function emit(message) {
    var data = { message: message, customData: place() };
    if (socket) socket.emit("user_uttered", data); else waiting.push(data);
  }
  // A new conversation opens with the bot's greeting and privacy question, without the person
  // typing: the widget says hello for them, once, in the page's language (the dialogue takes
  // the conversation's language from the first message), and does not show it as theirs.
  var greeted = false;
  function greet() {
    if (greeted || list.children.length || waiting.length) return;
    if (cfg.code && !remembered("puente.code." + cfg.code)) return;  // the code comes first
    greeted = true;
    emit(T.hello);
    setTyping(true);
  }
  function say(message, shown) {
    retire();
    show({ from: "user", text: shown || message });
    emit(message);
    if (!human) setTyping(true);
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (text) { say(text); input.value = ""; }
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  if (cfg.open === "true") setOpen(true);
  else if (remembered(OPEN_KEY) === "1") setOpen(true, true);  // open before the reload
})();
