"use strict";
// The web chat page. Everything shown is set with textContent or as a link element built here:
// no HTML from a message ever reaches innerHTML. Who the visitor is comes from the HttpOnly
// cookie the server set; this script never sees or sends an id.
(() => {
const station = JSON.parse(document.getElementById("tmbot-station").textContent);
const UI = {
  zh: {sub:"智能助手 · 商标注册 · 续展 · 马德里 · 专家预约", ph:"输入您的商标问题…", send:"发送", other:"EN",
       otherLabel:"Switch to English", otherLang:"en", input:"输入消息", log:"对话记录",
       typing:"正在输入…", error:"网络异常，请稍后再试。", newChat:"新对话", privacy:"隐私说明",
       confirmNew:"开始新对话？之前的消息将不再显示（已转人工的工单不受影响）。",
       staff:"工作人员", notice:"通知", unread:"新", unreadDivider:"以下为您离开期间的新消息",
       earlier:"以上为之前的对话", newTitle:"新消息", download:"下载文件"},
  en: {sub:"Assistant · Registration · Renewal · Madrid · Expert consultations", ph:"Type your trademark question…",
       send:"Send", other:"中文", otherLabel:"切换到中文", otherLang:"zh-CN", input:"Message", log:"Conversation",
       typing:"typing…", error:"Network problem, please try again.", newChat:"New chat", privacy:"Privacy",
       confirmNew:"Start a new conversation? Earlier messages will no longer be shown (tickets with staff are kept).",
       staff:"Staff", notice:"Notice", unread:"new", unreadDivider:"New messages while you were away",
       earlier:"Earlier conversation above", newTitle:"new", download:"Download the file"}
};
const $ = (id) => document.getElementById(id);
const log = $("log"), input = $("input"), form = $("form");
let lang = localStorage.getItem("tmbot_lang") || ((navigator.language || "zh").toLowerCase().startsWith("en") ? "en" : "zh");
let cursor = 0, lastShown = 0, greetingBox = null, unseen = 0, busy = false;
const baseTitle = document.title;

function applyLang() {
  const u = UI[lang];
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  $("station-name").textContent = station.name[lang] || station.name.zh;
  $("subtitle").textContent = u.sub;
  const addr = $("station-address"); if (addr) addr.textContent = station.address[lang] || station.address.zh;
  $("station-hours").textContent = station.hours[lang];
  $("privacy").textContent = u.privacy;
  $("new").textContent = u.newChat;
  const toggle = $("lang");
  toggle.textContent = u.other; toggle.setAttribute("aria-label", u.otherLabel); toggle.lang = u.otherLang;
  $("input-label").textContent = u.input; log.setAttribute("aria-label", u.log);
  input.placeholder = u.ph; $("send").textContent = u.send;
  localStorage.setItem("tmbot_lang", lang);
}

// http(s) URLs become links; the text around them stays text. Trailing punctuation is not
// part of a URL ("见 https://www.wipo.int/madrid/feecalc/。").
// Official sites named without a scheme ("sbj.cnipa.gov.cn", "www.wipo.int/madrid") too.
const URL_RE = /https?:\/\/[^\s<>"'`，。；、！？（）【】《》“”‘’]+|(?<![\w.@\/-])(?:[a-z0-9-]+\.)+(?:gov\.cn|wipo\.int)(?:\/[^\s<>"'`，。；、！？（）【】《》“”‘’]*)?/gi;
function richText(el, text) {
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const shown = m[0].replace(/[.,;:!?)\]}>]+$/, "");
    const url = /^https?:\/\//i.test(shown) ? shown : "https://" + shown;
    if (m.index > last) el.appendChild(document.createTextNode(text.slice(last, m.index)));
    const a = document.createElement("a");
    a.href = url; a.textContent = shown; a.rel = "noopener noreferrer";
    const path = new URL(url).pathname;
    const file = url.startsWith(location.origin) && /^\/m\/[\w.-]+\/file$/.test(path);
    if (file) { a.textContent = UI[lang].download; a.title = shown; }
    if (/\.ics(\?|$)/.test(path + "?") || file) a.setAttribute("download", "");
    else a.target = "_blank";
    el.appendChild(a);
    // A picture staff sent (the line starts with 🖼): shown under its link, from this server only.
    if (file && text.startsWith("🖼")) {
      const img = document.createElement("img");
      img.src = url + "?inline=1"; img.alt = text.split("\n")[0].slice(2); img.className = "sent-image";
      img.loading = "lazy"; el.appendChild(document.createElement("br")); el.appendChild(img);
    }
    last = m.index + shown.length;
  }
  if (last < text.length) el.appendChild(document.createTextNode(text.slice(last)));
}

// Station time: "14:05" today, "12月3日 14:05" / "3 Dec 14:05" on other days.
function stamp(when) {
  const parts = (d) => Object.fromEntries(new Intl.DateTimeFormat("en-GB", {timeZone: station.tz,
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false})
    .formatToParts(d).map((p) => [p.type, p.value]));
  const p = parts(when), today = parts(new Date());
  const time = `${p.hour}:${p.minute}`;
  if (p.year === today.year && p.month === today.month && p.day === today.day) return time;
  const month = new Intl.DateTimeFormat("en-GB", {timeZone: station.tz, month: "numeric"}).format(when);
  return lang === "en" ? `${p.day} ${p.month} ${time}` : `${month}月${p.day}日 ${time}`;
}
function bubble(text, who, at, unread) {
  const div = document.createElement("div");
  div.className = "msg " + who + (unread ? " unread" : "");
  if (who === "staff" || who === "notice") {
    const tag = document.createElement("span"); tag.className = "tag";
    tag.textContent = who === "staff" ? UI[lang].staff : UI[lang].notice;
    if (unread) { const n = document.createElement("span"); n.className = "new"; n.textContent = UI[lang].unread; tag.appendChild(n); }
    div.appendChild(tag);
  } else if (unread) {
    const tag = document.createElement("span"); tag.className = "tag";
    const n = document.createElement("span"); n.className = "new"; n.textContent = UI[lang].unread; tag.appendChild(n);
    div.appendChild(tag);
  }
  // The tag already says who wrote: the plain-text channels' "【工作人员】" prefix is not repeated.
  if (who === "staff") text = text.replace(/^(【工作人员】|\[Station staff\] )/, "");
  const body = document.createElement("span"); body.className = "text"; richText(body, text); div.appendChild(body);
  const when = at ? new Date(at) : new Date();
  const time = document.createElement("time"); time.dateTime = when.toISOString(); time.textContent = stamp(when);
  div.appendChild(time);
  log.appendChild(div); log.scrollTop = log.scrollHeight; return div;
}
function divider(text, cls) {
  const d = document.createElement("div"); d.className = "divider " + (cls || ""); d.setAttribute("role", "separator");
  d.textContent = text; log.appendChild(d); return d;
}
function choices(list, first) {
  if (!list || !list.length) return null;
  const box = document.createElement("div"); box.className = "choices";
  let n = first || 1;
  for (const c of list) {
    // Numbered as the core counts them, so typing the number picks it.
    const b = document.createElement("button"); b.type = "button"; b.textContent = (n++) + ". " + c.label;
    b.onclick = () => { box.classList.add("used"); send(c.payload, c.label, true); };
    box.appendChild(b);
  }
  log.appendChild(box); log.scrollTop = log.scrollHeight; return box;
}
function showGreeting(g) {
  // Shown, not sent: opening the page writes nothing to the conversation.
  clearGreeting();
  greetingBox = document.createElement("div"); greetingBox.className = "greeting";
  log.appendChild(greetingBox);
  greetingBox.appendChild(bubbleEl(g.text));
  const box = choices(g.choices); if (box) greetingBox.appendChild(box);
}
function bubbleEl(text) {
  const div = document.createElement("div"); div.className = "msg bot";
  const body = document.createElement("span"); richText(body, text); div.appendChild(body); return div;
}
function clearGreeting() { if (greetingBox) { greetingBox.remove(); greetingBox = null; } }

async function api(path, opts) {
  const r = await fetch(path, Object.assign({credentials: "same-origin"}, opts || {}));
  if (!r.ok) throw new Error(String(r.status));
  return r.json();
}
const post = (path, body) => api(path, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body || {})});

async function markSeen() {
  if (document.hidden || !lastShown) return;
  unseen = 0; document.title = baseTitle;
  try { await post("/api/chat/seen", {up_to: lastShown}); } catch (e) { /* next time */ }
}

async function load() {
  let data;
  // The history is there already: a screen reader should not read it all out as new.
  log.setAttribute("aria-busy", "true");
  try { data = await api(`/api/chat/history?lang=${lang}`); }
  catch (e) { log.removeAttribute("aria-busy"); bubble(UI[lang].error, "bot"); setTimeout(poll, 4000); return; }
  cursor = data.cursor;
  if (!data.messages.length) showGreeting(data.greeting);
  let marked = false;
  for (const m of data.messages) {
    if (m.unread && !marked) { divider(UI[lang].unreadDivider, "unread-mark"); marked = true; }
    bubble(m.text, m.who === "user" ? "me" : m.who, m.at, m.unread);
    lastShown = Math.max(lastShown, m.id);
  }
  // A step left open (a reload mid-booking): its buttons again, under the bot's last message.
  if (data.choices && data.choices.length) choices(data.choices);
  if (data.messages.length && !marked) divider(UI[lang].earlier);
  log.removeAttribute("aria-busy");
  const firstUnread = log.querySelector(".unread");
  if (firstUnread) firstUnread.scrollIntoView({block: "center"});
  markSeen();
  setTimeout(poll, 3000);
}

async function send(text, shown, isChoice) {
  if (busy && !isChoice) return;
  keepGreeting();
  bubble(shown || text, "me");
  const wait = document.createElement("div"); wait.className = "typing"; wait.textContent = UI[lang].typing; log.appendChild(wait);
  log.scrollTop = log.scrollHeight;
  busy = true;
  try {
    const id = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
    const data = await post("/api/chat", {text, lang, is_choice: !!isChoice, message_id: id.replace(/[^A-Za-z0-9_-]/g, "")});
    wait.remove();
    let first = 1;
    for (const rep of data.replies) { bubble(rep.text, "bot"); choices(rep.choices, first); first += rep.choices.length; }
  } catch (e) { wait.remove(); bubble(UI[lang].error, "bot"); }
  finally { busy = false; }
}
function keepGreeting() {
  // Once the visitor speaks, the greeting becomes part of the view (its menu stays usable).
  greetingBox = null;
}

async function poll() {
  try {
    const items = await api(`/api/chat/updates?after=${cursor}`);
    for (const m of items) {
      cursor = Math.max(cursor, m.id);
      const away = document.hidden;
      bubble(m.text, m.who === "user" ? "me" : m.who, m.at, away);
      lastShown = Math.max(lastShown, m.id);
      if (away) { unseen += 1; document.title = `(${unseen}) ${UI[lang].newTitle} · ${baseTitle}`; }
    }
    if (items.length) markSeen();
  } catch (e) { /* offline: try again */ }
  setTimeout(poll, 4000);
}

form.addEventListener("submit", (ev) => {
  ev.preventDefault(); const text = input.value.trim(); if (!text) return;
  input.value = ""; grow(); send(text);
});
input.addEventListener("keydown", (ev) => {
  // An input method (拼音) uses Enter to pick its candidate: never send while it composes.
  if (ev.key !== "Enter" || ev.shiftKey || ev.isComposing || ev.keyCode === 229) return;
  ev.preventDefault(); form.requestSubmit();
});
function grow() { input.style.height = "40px"; input.style.height = Math.min(input.scrollHeight + 2, 120) + "px"; input.style.overflowY = input.scrollHeight > 120 ? "auto" : "hidden"; }
input.addEventListener("input", grow);
$("lang").addEventListener("click", async () => {
  // The page's language, and the answer language for input in neither language; a message
  // typed in Chinese or English is still answered in its own language. Nothing is sent.
  lang = lang === "zh" ? "en" : "zh"; applyLang();
  try { await post("/api/chat/lang", {lang}); } catch (e) { /* the page still switched */ }
  if (greetingBox) { try { showGreeting((await api(`/api/chat/history?lang=${lang}&limit=1`)).greeting); } catch (e) { /* keep */ } }
});
$("new").addEventListener("click", async () => {
  if (!window.confirm(UI[lang].confirmNew)) return;
  try {
    const g = await post(`/api/chat/new?lang=${lang}`);
    log.replaceChildren(); greetingBox = null; showGreeting(g); input.focus();
  } catch (e) { bubble(UI[lang].error, "bot"); }
});
document.addEventListener("visibilitychange", () => { if (!document.hidden) markSeen(); });
localStorage.removeItem("tmbot_uid");  // the old page's self-chosen id: no longer used
applyLang();
load();
})();
