/* Mounts the chat widget (rasa-webchat, built into /vendor/ by make) on Rasa's socket.io channel.
   The browser's language goes with every message as customData.language (the bot reads it on the
   first turn); answers' sources arrive as a custom payload and are shown as links. */
(function () {
  "use strict";
  var i18n = window.CaminoI18n;
  var body = document.body;

  if (!window.WebChat || typeof window.WebChat.default !== "function") {
    document.getElementById("chat-unavailable").hidden = false;
    return;
  }

  // rasa-webchat bundles its own React and renders a custom message by calling our component. A React
  // element is a plain object tagged with Symbol.for("react.element"), the same in every React 16 copy.
  var REACT_ELEMENT = typeof Symbol === "function" && Symbol.for ? Symbol.for("react.element") : 0xeac7;

  function h(type, props, children, key) {
    var all = {};
    Object.keys(props || {}).forEach(function (name) { all[name] = props[name]; });
    if (children !== undefined) all.children = children;
    return { $$typeof: REACT_ELEMENT, type: type, key: key === undefined ? null : String(key), ref: null,
             props: all, _owner: null };
  }

  function webUrl(text) {
    try {
      var url = new URL(text);
      return url.protocol === "https:" || url.protocol === "http:" ? url : null;
    } catch (error) {
      return null;
    }
  }

  function linkLabel(url) {
    var label = url.hostname.replace(/^www\./, "") + (url.pathname === "/" ? "" : url.pathname);
    return label.length > 48 ? label.slice(0, 47) + "…" : label;
  }

  // The answer payload: {"custom": {"answer": {"topic", "lang", "sources": [...], "as_of"}}}.
  function SourcesCard(props) {
    var answer = props && props.custom && props.custom.answer;
    if (!answer || !Array.isArray(answer.sources)) return null;
    var language = answer.lang === "es" ? "es" : "en";
    var links = [];
    answer.sources.forEach(function (source, index) {
      var url = webUrl(source);
      if (!url) return;
      links.push(h("li", {}, h("a", { href: url.href, target: "_blank", rel: "noopener noreferrer",
                                      title: url.href }, linkLabel(url)), index));
    });
    if (!links.length) return null;
    return h("div", { className: "camino-sources", lang: language }, [
      h("p", { className: "camino-sources-title" },
        i18n.t("sources_for_year", { as_of: answer.as_of || "" }, language), "title"),
      h("ul", {}, links, "links")
    ]);
  }

  // rasa-webchat renders an icon-only send button, an unlabelled text box and a message list that screen
  // readers don't announce. Its DOM is patched as it renders (and re-renders): names in the page language,
  // the list a polite live region (role=log) that keyboard users can focus to scroll.
  function setOnce(element, name, value) {
    if (element && element.getAttribute(name) !== value) element.setAttribute(name, value);
  }

  function patchWidget(root) {
    var send = root.querySelector(".rw-send");
    setOnce(send, "aria-label", i18n.t("send"));
    if (send) {
      send.querySelectorAll("svg").forEach(function (icon) {
        setOnce(icon, "aria-hidden", "true");
        setOnce(icon, "focusable", "false");
      });
    }
    setOnce(root.querySelector(".rw-new-message"), "aria-label", i18n.t("message_label"));
    var log = root.querySelector(".rw-messages-container");
    setOnce(log, "role", "log");
    setOnce(log, "aria-live", "polite");
    setOnce(log, "aria-relevant", "additions");
    setOnce(log, "aria-label", i18n.t("conversation"));
    setOnce(log, "tabindex", "0");
  }

  var mount = document.getElementById("webchat");
  if (window.MutationObserver) {
    new window.MutationObserver(function () { patchWidget(mount); })
      .observe(mount, { childList: true, subtree: true });
  }

  var socketUrl = body.getAttribute("data-socket-url") ||
    window.location.protocol + "//" + window.location.hostname + ":" + body.getAttribute("data-rasa-port");

  window.WebChat.default({
    socketUrl: socketUrl,
    socketPath: "/socket.io/",
    customData: { language: i18n.lang },
    initPayload: "/greet",
    embedded: true,
    hideWhenNotConnected: false,
    showFullScreenButton: false,
    showMessageDate: false,
    title: i18n.t("chat_title"),
    subtitle: i18n.t("chat_subtitle"),
    inputTextFieldHint: i18n.t("placeholder"),
    connectingText: i18n.t("connecting"),
    params: { storage: "session" },  // the conversation is forgotten when the tab closes (shared phones)
    customComponent: SourcesCard,
    customMessageDelay: function (text) { return Math.min(1200, Math.max(300, (text || "").length * 8)); }
  }, mount);
  patchWidget(mount);
})();
