/* Puente chat widget. One tag on any page:
 *   <script src="https://PUENTE/static/widget.js" data-api="https://PUENTE"
 *           data-socket="https://RASA" data-lang="es" defer></script>
 * No framework. Talks to Rasa's socket.io channel (connectors/socketio_channel.py) with a
 * short-lived token from the web app; the same conversation survives reloads. */
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
      offline: "Sin conexión. Reintentando…", you: "Tú", bot: "Puente", chart: "Gráfico de tus habilidades" },
    en: { open: "Chat with Puente", title: "Puente · career guidance", close: "Close",
      placeholder: "Type your message…", send: "Send", typing: "Puente is typing…",
      offline: "Offline. Reconnecting…", you: "You", bot: "Puente", chart: "Chart of your skills" }
  }[lang];
  // A counsellor-started session passes its own token and keeps its transcript apart.
  var fixedToken = cfg.token || null;
  var TOKEN_KEY = fixedToken ? "puente.case.token" : "puente.token";
  var LOG_KEY = fixedToken ? "puente.case.log." + (cfg.case || "") : "puente.log";
  var MAX_LOG = 60;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  // -- the UI ---------------------------------------------------------------------------------
  var css = el("link", { rel: "stylesheet", href: api + "/static/widget.css" });
  document.head.appendChild(css);
  var root = el("div", { class: "puente-widget", lang: lang });
  var launcher = el("button", { class: "puente-launcher", type: "button", "aria-expanded": "false",
    "aria-controls": "puente-panel" }, T.open);
  var panel = el("section", { id: "puente-panel", class: "puente-panel", role: "dialog",
    "aria-label": T.title, hidden: "" });
  var header = el("header", { class: "puente-header" });
  header.appendChild(el("h2", {}, T.title));
  var close = el("button", { type: "button", class: "puente-close", "aria-label": T.close }, "×");
  header.appendChild(close);
  var log = el("ol", { class: "puente-log", role: "log", "aria-live": "polite", tabindex: "0" });
  var status = el("p", { class: "puente-status", role: "status" });
  var typing = el("p", { class: "puente-typing", hidden: "" }, T.typing);
  var form = el("form", { class: "puente-form" });
  var input = el("textarea", { rows: "1", placeholder: T.placeholder, "aria-label": T.placeholder,
    maxlength: "2000" });
  var send = el("button", { type: "submit" }, T.send);
  form.appendChild(input); form.appendChild(send);
  [header, log, typing, status, form].forEach(function (n) { panel.appendChild(n); });
  root.appendChild(launcher); root.appendChild(panel);
  document.body.appendChild(root);

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) { connect(); input.focus(); } else { launcher.focus(); }
  }
  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  close.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") setOpen(false); });

  // -- the transcript (kept in this browser so a reload shows the same conversation) ---------
  function stored() {
    try { return JSON.parse(localStorage.getItem(LOG_KEY) || "[]"); } catch (e) { return []; }
  }
  function remember(item) {
    var items = stored(); items.push(item);
    localStorage.setItem(LOG_KEY, JSON.stringify(items.slice(-MAX_LOG)));
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
  function render(item, live) {
    var li = el("li", { class: "puente-msg puente-" + item.from });
    li.appendChild(el("span", { class: "puente-sr" }, (item.from === "user" ? T.you : T.bot) + ": "));
    if (item.text) { var p = el("p"); linkify(p, item.text); li.appendChild(p); }
    if (item.image) li.appendChild(el("img", { src: item.image, alt: T.chart, loading: "lazy" }));
    var choices = item.buttons || [];
    if (choices.length && live) {
      var group = el("div", { class: item.list ? "puente-list" : "puente-buttons", role: "group" });
      choices.forEach(function (b) {
        var btn = el("button", { type: "button" }, b.title);
        btn.addEventListener("click", function () {
          group.querySelectorAll("button").forEach(function (x) { x.disabled = true; });
          say(b.payload, b.title);
        });
        group.appendChild(btn);
      });
      li.appendChild(group);
    }
    log.appendChild(li);
    li.scrollIntoView({ block: "end" });
  }
  function show(item) { remember(item); render(item, true); }

  // -- the connection ---------------------------------------------------------------------------
  var socket = null;
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
  function connect() {
    if (socket) return;
    stored().forEach(function (item) { render(item, false); });
    loadClient(function () {
      socket = window.io(socketUrl, {
        path: "/socket.io", transports: ["websocket"],
        auth: function (cb) { token().then(function (t) { cb({ token: t }); }, function () { cb({}); }); }
      });
      waiting.splice(0).forEach(function (data) { socket.emit("user_uttered", data); });
      socket.on("connect", function () {
        status.textContent = "";
        socket.emit("session_request", {});
        if (cfg.code && !sessionStorage.getItem("puente.code." + cfg.code)) {
          // arrived through a counsellor's link: continue that conversation here
          sessionStorage.setItem("puente.code." + cfg.code, "1");
          say((lang === "en" ? "my code is " : "mi código es ") + cfg.code);
        }
      });
      socket.on("disconnect", function () { status.textContent = T.offline; });
      socket.on("connect_error", function () { status.textContent = T.offline; });
      socket.on("bot_uttered", function (m) {
        typing.hidden = true;
        if (m.forget) {
          // the person's data was erased: so is this browser's copy, and the next message
          // starts a new conversation
          localStorage.removeItem(LOG_KEY); localStorage.removeItem(TOKEN_KEY);
          log.innerHTML = "";
          render({ from: "bot", text: m.text || "" }, true);
          var old = socket; socket = null; old.disconnect(); connect();
          return;
        }
        var item = { from: "bot", text: m.text || "" };
        if (m.attachment && m.attachment.payload) item.image = m.attachment.payload.src;
        if (m.quick_replies) item.buttons = m.quick_replies;
        if (m.buttons) item.buttons = m.buttons;
        if (m.rows) { item.list = true; item.buttons = m.rows.map(function (r) {
          return { title: r.title, payload: r.payload || r.title }; }); }
        show(item);
      });
    });
  }
  var waiting = [];  // typed before the client library had loaded: sent once the socket exists
  function say(message, shown) {
    show({ from: "user", text: shown || message });
    typing.hidden = false;
    var data = { message: message, customData: { language: lang } };
    if (socket) socket.emit("user_uttered", data); else waiting.push(data);
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
})();
