/* Staff page: the report of what Camino could not answer (/staff/api/unanswered?days=N), by likely topic,
   with counts per language and a few redacted examples. Shown once staff.js has checked the access code. */
(function () {
  "use strict";
  var i18n = window.CaminoI18n;
  var t = i18n.t;
  var TOKEN_KEY = "camino-staff-token";
  var $ = function (id) { return document.getElementById(id); };

  function cell(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function kindName(kind) {
    var names = { fallback: t("kind_fallback"), did_you_mean: t("kind_did_you_mean"), no_answer: t("kind_no_answer"),
                  school_not_found: t("kind_school_not_found"), out_of_scope: t("kind_out_of_scope"),
                  rephrase: t("kind_rephrase") };
    return names[kind] || kind;
  }

  function kinds(byKind) {
    return Object.keys(byKind).map(function (kind) { return kindName(kind) + " " + byKind[kind]; }).join(", ");
  }

  function row(group) {
    var tr = document.createElement("tr");
    var topic = cell("th", group.title ? group.title[i18n.lang] : (group.topic || t("unanswered_no_topic")));
    topic.scope = "row";
    topic.appendChild(cell("div", kinds(group.by_kind))).className = "meta";
    tr.appendChild(topic);
    tr.appendChild(cell("td", String(group.count)));
    tr.appendChild(cell("td", String(group.by_language.en || 0)));
    tr.appendChild(cell("td", String(group.by_language.es || 0)));
    var examples = cell("td");
    var list = cell("ul");
    ["en", "es"].forEach(function (lang) {
      (group.examples[lang] || []).forEach(function (text) {
        var item = cell("li", text);
        item.lang = lang;
        list.appendChild(item);
      });
    });
    examples.appendChild(list);
    tr.appendChild(examples);
    return tr;
  }

  function show(report) {
    $("unanswered-status").textContent = report.total
      ? t("unanswered_total", { total: report.total, days: report.days, en: report.by_language.en || 0,
                                es: report.by_language.es || 0 })
      : t("unanswered_none");
    var rows = $("unanswered-rows");
    rows.textContent = "";
    report.groups.forEach(function (group) { rows.appendChild(row(group)); });
    $("unanswered-table").hidden = !report.groups.length;
  }

  function load() {
    var token = window.sessionStorage.getItem(TOKEN_KEY) || "";
    $("unanswered-status").textContent = t("working");
    fetch("/staff/api/unanswered?days=" + encodeURIComponent($("unanswered-days").value), {
      headers: { Authorization: "Bearer " + token, Accept: "application/json" }, credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.ok) show(data);
        else {
          $("unanswered-table").hidden = true;
          $("unanswered-status").textContent = data.error ? data.error[i18n.lang] : t("server_error");
        }
      });
    }).catch(function () { $("unanswered-status").textContent = t("server_error"); });
  }

  $("unanswered-form").addEventListener("submit", function (event) {
    event.preventDefault();
    load();
  });
})();
