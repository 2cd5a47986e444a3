/* Page strings in the browser's language (navigator.language; ?lang=en|es overrides).
   The strings come from bot/web/i18n.py, embedded by the server as JSON. */
(function () {
  "use strict";
  var strings = JSON.parse(document.getElementById("camino-strings").textContent);

  function pick() {
    var requested = new URLSearchParams(window.location.search).get("lang");
    if (requested === "en" || requested === "es") return requested;
    var browser = (navigator.language || (navigator.languages || [])[0] || "en").toLowerCase();
    return browser.slice(0, 2) === "es" ? "es" : "en";
  }

  var lang = pick();

  function t(key, values, language) {
    var text = (strings[key] || {})[language || lang] || "";
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }

  // The page's strings in its language, in `root`: the document or a cloned <template>.
  function translate(root) {
    root.querySelectorAll("[data-i18n]").forEach(function (element) {
      element.textContent = t(element.getAttribute("data-i18n"));
    });
    root.querySelectorAll("[data-i18n-placeholder]").forEach(function (element) {
      element.setAttribute("placeholder", t(element.getAttribute("data-i18n-placeholder")));
    });
  }

  function apply() {
    document.documentElement.lang = lang;
    translate(document);
    var other = document.getElementById("other-language");
    if (other) other.setAttribute("href", "?lang=" + (lang === "es" ? "en" : "es"));
  }

  apply();
  window.CaminoI18n = { lang: lang, t: t, translate: translate };
})();
