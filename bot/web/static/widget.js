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
  }, document.getElementById("webchat"));
})();
