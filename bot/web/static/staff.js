/* Staff lookup: asks for the access code once (kept in sessionStorage), then searches the knowledge
   base through /staff/api/ask and shows the answer in English and Spanish side by side. */
(function () {
  "use strict";
  var t = window.CaminoI18n.t;
  var TOKEN_KEY = "camino-staff-token";
  var $ = function (id) { return document.getElementById(id); };
  var lastResult = null;

  function token() { return window.sessionStorage.getItem(TOKEN_KEY) || ""; }

  function showSignIn(wrong) {
    window.sessionStorage.removeItem(TOKEN_KEY);
    $("token-form").hidden = false;
    $("token-error").hidden = !wrong;
    $("search-form").hidden = true;
    $("result").hidden = true;
    $("sign-out").hidden = true;
    $("token").focus();
  }

  function showSearch() {
    $("token-form").hidden = true;
    $("search-form").hidden = false;
    $("sign-out").hidden = false;
    $("q").focus();
  }

  function api(path) {
    return fetch(path, { headers: { Authorization: "Bearer " + token(), Accept: "application/json" },
                         credentials: "omit", cache: "no-store" })
      .then(function (response) {
        if (response.status === 401) { showSignIn(true); throw new Error("unauthorized"); }
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      });
  }

  function setStatus(text) { $("status").textContent = text || ""; }

  function fill(list, items, render) {
    list.textContent = "";
    items.forEach(function (item) { list.appendChild(render(item)); });
  }

  function showResult(result) {
    lastResult = result;
    var answer = result.answer;
    if (!answer) {
      $("result").hidden = true;
      setStatus(result.message[window.CaminoI18n.lang]);
      return;
    }
    setStatus("");
    $("result-title").textContent = answer.title.en + " / " + answer.title.es;
    $("as-of").textContent = answer.as_of;
    $("yearly").hidden = !answer.changes_yearly;
    ["en", "es"].forEach(function (lang) {
      var column = $("answer-" + lang);
      column.querySelector(".question").textContent = answer.question[lang];
      column.querySelector(".text").textContent = answer.text[lang];
    });
    fill($("sources"), answer.sources, function (source) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = /^https?:\/\//i.test(source) ? source : "#";
      link.textContent = source;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      item.appendChild(link);
      return item;
    });
    $("more-block").hidden = !result.more.length;
    fill($("more"), result.more, function (match) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = match.question.en + " / " + match.question.es;
      button.addEventListener("click", function () {
        $("q").value = match.question[window.CaminoI18n.lang];
        search();
      });
      item.appendChild(button);
      return item;
    });
    $("result").hidden = false;
  }

  function search() {
    var question = $("q").value.trim();
    if (!question) return;
    setStatus(t("searching"));
    api("/staff/api/ask?q=" + encodeURIComponent(question)).then(function (reply) {
      if (reply.ok) showResult(reply.data);
      else { $("result").hidden = true; setStatus(reply.data.error[window.CaminoI18n.lang]); }
    }).catch(failed);
  }

  function failed(error) {
    if (error.message !== "unauthorized") setStatus(t("server_error"));
  }

  function checkToken() {
    api("/staff/api/check").then(function (reply) { if (reply.ok) showSearch(); }).catch(failed);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return copyBySelection(text); });
    }
    return copyBySelection(text);
  }

  function copyBySelection(text) {
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var copied = document.execCommand("copy");
      document.body.removeChild(area);
      if (copied) resolve(); else reject(new Error("copy failed"));
    });
  }

  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!lastResult || !lastResult.copy) return;
      copyText(lastResult.copy[button.getAttribute("data-lang")]).then(function () {
        button.textContent = t("copied");
        window.setTimeout(function () { button.textContent = t("copy"); }, 2000);
      }, function () { setStatus(t("copy_failed")); });
    });
  });

  $("token-form").addEventListener("submit", function (event) {
    event.preventDefault();
    window.sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
    $("token").value = "";
    checkToken();
  });

  $("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    search();
  });

  $("sign-out").addEventListener("click", function () { showSignIn(false); });

  if (token()) {
    checkToken();
  } else {
    showSignIn(false);
  }
})();
