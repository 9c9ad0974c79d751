/* Lumi chat widget. One <script> tag, no framework, no build step, no tracking.
 * Nothing is stored in cookies, localStorage or IndexedDB; the sender id lives in memory only.
 * Options (data-*): server, audience, country, locale, site, mode (chat|lesson), topic, colour,
 * exit (quick-exit address), inline (id of an element to render into instead of a floating panel). */
(() => {
  "use strict";
  const script = document.currentScript;
  const base = new URL(script.src, location.href).origin;
  const d = script.dataset;
  const cfg = {
    server: (d.server || base).replace(/\/$/, ""), audience: d.audience || "", country: d.country || "",
    locale: d.locale || "en", site: d.site || "", mode: d.mode === "lesson" ? "lesson" : "chat", topic: d.topic || "",
    colour: d.colour || d.color || "", exit: d.exit || "https://www.bbc.co.uk/weather", inline: d.inline || "",
  };
  const FALLBACK_TEXT = { title: "Lumi", intro: "Hi, I'm Lumi, a chatbot (not a person, not an emergency service).",
    placeholder: "Type your question…", input_label: "Your message", send: "Send", open: "Chat with Lumi", close: "Close chat",
    get_help: "Get help now", quick_exit: "Quick exit", quick_exit_hint: "Leaves this page at once. Esc three times works too.",
    help_title: "Help contacts", help_intro: "", sources: "Where this comes from", helpful: "Was this helpful?", answer_yes: "Yes", answer_no: "No",
    typing: "Lumi is typing…", error: "Sorry, I can't reach Lumi right now. If you are in danger, call your emergency number.",
    lesson_menu: "What would you like to do?", lesson_quiz: "Run a scenario quiz", lesson_facts: "Key facts",
    lesson_questions: "Discussion questions", lesson_help: "Where to get help", you: "You", bot: "Lumi", subtitle: "" };
  let t = FALLBACK_TEXT;
  let sender = newSender();
  let escPresses = [];

  function newSender() {
    return (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2)).replace(/[^A-Za-z0-9_-]/g, "");
  }

  function el(tag, attrs = {}, children = []) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value !== false && value != null) node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of [].concat(children)) if (child) node.append(child);
    return node;
  }

  /* Safe Markdown subset: **bold**, [links](https://...), "- " lists, paragraphs. Built with DOM
   * calls only (never innerHTML), so no HTML in a message can ever run. */
  function inline(text) {
    const out = [];
    const pattern = /\*\*([^*]+)\*\*|\[([^\]]+)\]\((https:\/\/[^\s)]+)\)/g;
    let last = 0, match;
    while ((match = pattern.exec(text))) {
      if (match.index > last) out.push(document.createTextNode(text.slice(last, match.index)));
      if (match[1]) out.push(el("strong", { text: match[1] }));
      else out.push(el("a", { href: match[3], target: "_blank", rel: "noopener noreferrer", text: match[2] }));
      last = pattern.lastIndex;
    }
    if (last < text.length) out.push(document.createTextNode(text.slice(last)));
    return out;
  }

  function markdown(text, { skipLists = false } = {}) {
    const frag = document.createDocumentFragment();
    for (const block of String(text || "").split(/\n\s*\n/)) {
      const lines = block.split("\n").filter((l) => l.trim());
      if (!lines.length) continue;
      const items = lines.filter((l) => /^\s*[-*] /.test(l));
      const prose = lines.filter((l) => !/^\s*[-*] /.test(l));
      if (prose.length) frag.append(el("p", {}, inline(prose.join(" "))));
      if (items.length && !skipLists) frag.append(el("ul", {}, items.map((l) => el("li", {}, inline(l.replace(/^\s*[-*] /, ""))))));
    }
    return frag;
  }

  // ---- layout --------------------------------------------------------------------------
  const root = el("div", { class: "lumi-root" + (cfg.inline ? " lumi-inline" : ""), lang: cfg.locale });
  if (cfg.colour) root.style.setProperty("--lumi", cfg.colour);
  const log = el("div", { class: "lumi-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });
  const typing = el("div", { class: "lumi-typing", hidden: true, "aria-hidden": "true" });
  const input = el("input", { id: "lumi-input", type: "text", autocomplete: "off", maxlength: "1000" });
  const label = el("label", { for: "lumi-input", class: "lumi-sr" });
  const sendButton = el("button", { type: "submit", class: "lumi-btn" });
  const form = el("form", { class: "lumi-form", onsubmit: (e) => { e.preventDefault(); submitText(); } }, [label, input, sendButton]);
  const title = el("h2", { id: "lumi-title" });
  const subtitle = el("p");
  const helpButton = el("button", { type: "button", class: "lumi-btn lumi-btn-help", onclick: showHelp });
  const exitButton = el("button", { type: "button", class: "lumi-btn lumi-btn-exit", onclick: quickExit });
  const closeButton = el("button", { type: "button", class: "lumi-btn lumi-btn-close", onclick: () => toggle(false) });
  const header = el("div", { class: "lumi-header" }, [title, helpButton, exitButton, cfg.inline ? null : closeButton, subtitle]);
  const panel = el("section", { class: "lumi-panel", "aria-labelledby": "lumi-title", hidden: !cfg.inline }, [header, log, typing, form]);
  const launcher = el("button", { type: "button", class: "lumi-launcher", "aria-expanded": "false", onclick: () => toggle(true), hidden: !!cfg.inline });
  root.append(panel, launcher);

  function applyTexts() {
    title.textContent = t.title; subtitle.textContent = t.subtitle || "";
    helpButton.textContent = t.get_help; exitButton.textContent = t.quick_exit; exitButton.title = t.quick_exit_hint;
    closeButton.textContent = "×"; closeButton.setAttribute("aria-label", t.close);
    launcher.textContent = t.open; label.textContent = t.input_label; input.placeholder = t.placeholder;
    sendButton.textContent = t.send; typing.textContent = t.typing;
  }

  function toggle(open) {
    panel.hidden = !open; launcher.hidden = open; launcher.setAttribute("aria-expanded", String(open));
    (open ? input : launcher).focus();
  }

  // ---- messages ------------------------------------------------------------------------
  function scroll() { log.scrollTop = log.scrollHeight; }

  function addUser(text) {
    log.append(el("div", { class: "lumi-msg lumi-user" }, [el("span", { class: "lumi-sr", text: t.you + ": " }), text]));
    scroll();
  }

  function helplineList(lines) {
    return el("ul", { class: "lumi-helplines" }, (lines || []).map((line) => {
      const parts = [el("strong", { text: line.name })];
      if (line.phone) {
        const digits = String(line.phone).replace(/[^0-9+]/g, "");
        parts.push(digits.length >= 3 && /^[+0-9][0-9 ()-]*$/.test(line.phone) ? el("a", { href: "tel:" + digits, text: line.phone }) : document.createTextNode(line.phone));
      }
      if (line.url && /^https:\/\//.test(line.url)) parts.push(document.createTextNode(" · "), el("a", { href: line.url, target: "_blank", rel: "noopener noreferrer", text: new URL(line.url).hostname }));
      parts.push(el("div", { text: [line.hours, line.for].filter(Boolean).join(" · ") }));
      return el("li", {}, parts);
    }));
  }

  function addBot(message) {
    const custom = message.custom || {};
    const bubble = el("div", { class: "lumi-msg lumi-bot" + (custom.urgent ? " lumi-urgent" : "") }, [el("span", { class: "lumi-sr", text: t.bot + ": " })]);
    if (message.text) bubble.append(markdown(message.text, { skipLists: Array.isArray(custom.helplines) }));
    if (Array.isArray(custom.helplines)) bubble.append(helplineList(custom.helplines));
    if (Array.isArray(message.buttons) && message.buttons.length) {
      bubble.append(el("div", { class: "lumi-choices" }, message.buttons.map((b) =>
        el("button", { type: "button", class: "lumi-choice", text: b.title, onclick: () => send(b.payload, b.title) }))));
    }
    if (Array.isArray(custom.sources) && custom.sources.length) {
      bubble.append(el("details", { class: "lumi-sources" }, [el("summary", { text: t.sources }),
        el("ul", {}, custom.sources.map((s) => el("li", {}, [el("a", { href: s.url, target: "_blank", rel: "noopener noreferrer", text: s.title }), document.createTextNode(" (" + s.publisher + ")")])))]));
    }
    if (custom.lesson_url && /^https?:\/\//.test(custom.lesson_url)) {
      bubble.append(el("p", {}, [el("a", { href: custom.lesson_url, target: "_blank", rel: "noopener noreferrer", text: t.lesson_printable || "Printable lesson plan" })]));
    }
    if (custom.content_id && !custom.urgent) bubble.append(feedback());
    log.append(bubble);
    scroll();
  }

  function feedback() {
    const box = el("div", { class: "lumi-feedback" }, [el("span", { text: t.helpful })]);
    for (const [label, value] of [[t.answer_yes, "yes"], [t.answer_no, "no"]]) {
      box.append(el("button", { type: "button", class: "lumi-choice", text: label, onclick: () => { box.remove(); send(`/feedback{"helpful": "${value}"}`, null); } }));
    }
    return box;
  }

  function metadata() {
    const m = { locale: cfg.locale, mode: cfg.mode };
    for (const key of ["audience", "country", "site", "topic"]) if (cfg[key]) m[key] = cfg[key];
    return m;
  }

  async function send(message, display) {
    if (display !== null) addUser(display || message);
    typing.hidden = false;
    try {
      const reply = await fetch(cfg.server + "/webhooks/lumi/webhook", {
        method: "POST", headers: { "Content-Type": "application/json" }, credentials: "omit",
        body: JSON.stringify({ sender, message, metadata: metadata() }),
      });
      const messages = await reply.json();
      if (!Array.isArray(messages)) throw new Error("unavailable");
      for (const m of messages) {
        if (m.custom && m.custom.country && m.custom.helplines && m.custom.country !== "INT") cfg.country = m.custom.country;
        addBot(m);
      }
    } catch (error) {
      await showError();
    } finally {
      typing.hidden = true;
    }
  }

  async function helplines() {
    try {
      const reply = await fetch(`${base}/helplines/${encodeURIComponent(cfg.country || "INT")}.json`, { credentials: "omit" });
      return await reply.json();
    } catch (error) {
      return null;
    }
  }

  async function showError() {
    const help = await helplines();
    addBot({ text: t.error, custom: { helplines: help ? help.helplines : [], urgent: true } });
  }

  async function showHelp() {
    if (panel.hidden) toggle(true);
    const help = await helplines();
    addBot({ text: `**${t.help_title}${help && help.country !== "INT" ? ": " + help.name : ""}**\n\n${t.help_intro}`,
             custom: { helplines: help ? help.helplines : [] } });
  }

  function submitText() {
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  }

  function quickExit() {
    try { navigator.sendBeacon(`${base}/stats/quick-exit?site=${encodeURIComponent(cfg.site)}`); } catch (error) { /* ignore */ }
    log.replaceChildren(); input.value = ""; sender = newSender();
    try { sessionStorage.clear(); } catch (error) { /* ignore */ }
    document.title = "";
    location.replace(cfg.exit);
  }

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const now = Date.now();
    escPresses = escPresses.filter((time) => now - time < 1500).concat(now);
    if (escPresses.length >= 3) quickExit();
  });

  function lessonMenu() {
    const topic = cfg.topic || "grooming";
    addBot({ text: t.lesson_menu, buttons: [
      { title: t.lesson_quiz, payload: `/start_quiz{"topic": "${topic}"}` },
      { title: t.lesson_facts, payload: `/topic_${topic}` },
      { title: t.lesson_questions, payload: `/request_lesson{"topic": "${topic}"}` },
      { title: t.lesson_help, payload: "/safe_word" },
    ] });
  }

  async function start() {
    try {
      const reply = await fetch(`${base}/i18n/${encodeURIComponent(cfg.locale)}.json`, { credentials: "omit" });
      t = { ...FALLBACK_TEXT, ...(await reply.json()) };
    } catch (error) { t = FALLBACK_TEXT; }
    applyTexts();
    addBot({ text: t.intro });
    if (cfg.mode === "lesson") lessonMenu();
    else if (cfg.topic) send(`/topic_${cfg.topic}`, null);
  }

  if (!document.querySelector(`link[href="${base}/lumi.css"]`)) {
    document.head.append(el("link", { rel: "stylesheet", href: `${base}/lumi.css` }));
  }
  const mount = () => { (cfg.inline && document.getElementById(cfg.inline)) ? document.getElementById(cfg.inline).append(root) : document.body.append(root); start(); };
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
