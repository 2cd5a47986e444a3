/* Staff page: asks for the access code once (kept in sessionStorage), then searches the knowledge base
   through /staff/api/ask, and runs the three tools (magnet points, A-G check, options) through
   /staff/api/tools/*; every result shows in English and Spanish side by side with a copy button each. */
(function () {
  "use strict";
  var i18n = window.CaminoI18n;
  var t = i18n.t;
  var TOKEN_KEY = "camino-staff-token";
  var AG_START_ROWS = 4;
  var $ = function (id) { return document.getElementById(id); };
  var copies = {};  // what each copy button copies: {"lookup": {"en", "es"}, "points": {...}, ...}

  function token() { return window.sessionStorage.getItem(TOKEN_KEY) || ""; }

  function showSignIn(wrong) {
    window.sessionStorage.removeItem(TOKEN_KEY);
    $("token-form").hidden = false;
    $("token-error").hidden = !wrong;
    $("search-form").hidden = true;
    $("result").hidden = true;
    $("tools").hidden = true;
    $("unanswered").hidden = true;
    $("reminders").hidden = true;
    $("sign-out").hidden = true;
    document.querySelectorAll(".tool .tool-result").forEach(function (block) { block.hidden = true; });
    document.querySelectorAll(".tool .status").forEach(function (status) { status.textContent = ""; });
    copies = {};
    $("token").focus();
  }

  function showSearch() {
    $("token-form").hidden = true;
    $("search-form").hidden = false;
    $("tools").hidden = false;
    $("unanswered").hidden = false;
    $("sign-out").hidden = false;
    $("q").focus();
    loadReminders();
  }

  // How many families get deadline reminders, per date and language (counts only, never numbers).
  function loadReminders() {
    api("/staff/api/reminders").then(function (reply) {
      if (!reply.ok) return;
      var data = reply.data;
      $("reminders-families").textContent = data.families
        ? t("reminders_staff_families", { count: data.families }) : t("reminders_staff_none");
      fill($("reminders-list"), data.deadlines, function (row) {
        var what = row.when ? row.when[i18n.lang] + ": " + row.label[i18n.lang] : row.deadline;
        return element("li", "", what + " (" + row.families + "; English " + row.by_language.en +
                       ", Español " + row.by_language.es + ")");
      });
      $("reminders").hidden = false;
    }).catch(function () {});
  }

  function api(path, body) {
    var init = { headers: { Authorization: "Bearer " + token(), Accept: "application/json" },
                 credentials: "omit", cache: "no-store" };
    if (body !== undefined) {
      init.method = "POST";
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (response) {
      if (response.status === 401) { showSignIn(true); throw new Error("unauthorized"); }
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    });
  }

  function setStatus(text) { $("status").textContent = text || ""; }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fill(list, items, render) {
    list.textContent = "";
    items.forEach(function (item) { list.appendChild(render(item)); });
  }

  function sourceItem(source) {
    var item = element("li");
    var link = element("a", "", source);
    link.href = /^https?:\/\//i.test(source) ? source : "#";
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    item.appendChild(link);
    return item;
  }

  // --- the answer lookup -------------------------------------------------------------------------------

  function showResult(result) {
    var answer = result.answer;
    if (!answer) {
      $("result").hidden = true;
      setStatus(result.message[i18n.lang]);
      return;
    }
    copies.lookup = result.copy;
    setStatus("");
    $("result-title").textContent = answer.title.en + " / " + answer.title.es;
    $("as-of").textContent = answer.as_of;
    $("yearly").hidden = !answer.changes_yearly;
    ["en", "es"].forEach(function (lang) {
      var column = $("answer-" + lang);
      column.querySelector(".question").textContent = answer.question[lang];
      column.querySelector(".text").textContent = answer.text[lang];
    });
    fill($("sources"), answer.sources, sourceItem);
    $("more-block").hidden = !result.more.length;
    fill($("more"), result.more, function (match) {
      var item = element("li");
      var button = element("button", "link-button", match.question.en + " / " + match.question.es);
      button.type = "button";
      button.addEventListener("click", function () {
        $("q").value = match.question[i18n.lang];
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
      else { $("result").hidden = true; setStatus(reply.data.error[i18n.lang]); }
    }).catch(function (error) { failed(error, setStatus); });
  }

  function failed(error, report) {
    if (error.message !== "unauthorized") report(t("server_error"));
  }

  function checkToken() {
    api("/staff/api/check").then(function (reply) { if (reply.ok) showSearch(); })
      .catch(function (error) { failed(error, setStatus); });
  }

  // --- the tools: what each form sends --------------------------------------------------------------------

  function checked(form, name) { return form.elements[name].checked; }

  var BODIES = {
    points: function (form) {
      return { waitlist_years: parseInt(form.elements.waitlist_years.value || "0", 10),
               resident: form.elements.resident.value, matriculation: checked(form, "matriculation"),
               sibling: checked(form, "sibling"), late: checked(form, "late"),
               enrolled_in_magnet: checked(form, "enrolled_in_magnet") };
    },
    ag: function (form) {
      var csv = form.elements.csv.value;
      if (csv.trim()) return { csv: csv };
      var courses = [];
      $("ag-rows").querySelectorAll("tr").forEach(function (row, index) {
        var course = { row: index + 1 };
        row.querySelectorAll("[data-column]").forEach(function (control) {
          course[control.getAttribute("data-column")] = control.value.trim();
        });
        courses.push(course);
      });
      return { courses: courses };
    },
    options: function (form) {
      return { grade: form.elements.grade.value, zip: form.elements.zip.value.trim(),
               outside_lausd: checked(form, "outside_lausd"), english_learner: checked(form, "english_learner"),
               iep: checked(form, "iep"), gate: checked(form, "gate") };
    }
  };

  // --- the tools: how each result reads, in one language ----------------------------------------------------

  function list(items, className) {
    var ul = element("ul", className);
    items.forEach(function (text) { ul.appendChild(element("li", "", text)); });
    return ul;
  }

  function labelled(label, text) {
    var p = element("p", "detail");
    p.appendChild(element("strong", "", label + ": "));
    p.appendChild(document.createTextNode(text));
    return p;
  }

  var RENDER = {
    points: function (result, lang, out) {
      out.appendChild(element("p", "summary", result.summary));
      out.appendChild(list(result.parts.map(function (part) { return part.text; })));
      out.appendChild(list(result.notes, "notes"));
    },
    ag: function (result, lang, out) {
      out.appendChild(element("p", "summary", result.summary));
      out.appendChild(list(result.areas.map(function (area) { return area.text; })));
      if (result.flags.length) {
        out.appendChild(element("p", "flags-title", t("tool_flags", {}, lang)));
        out.appendChild(list(result.flags.map(function (flag) { return flag.text; }), "flags"));
      }
      out.appendChild(list(result.notes, "notes"));
    },
    options: function (result, lang, out) {
      out.appendChild(element("p", "summary", result.notes[0]));
      var programs = element("ul", "programs");
      result.programs.forEach(function (program) {
        var item = element("li");
        item.appendChild(labelled(program.name, program.route_text));
        if (program.why) item.appendChild(element("p", "detail", program.why));
        if (program.next_deadline) item.appendChild(labelled(t("opt_next", {}, lang), program.next_deadline.text));
        if (program.schools.length) {
          item.appendChild(labelled(t("opt_examples", {}, lang),
                                    program.schools.map(function (school) { return school.name; }).join("; ")));
        }
        programs.appendChild(item);
      });
      out.appendChild(programs);
      var school = result.neighborhood_school;
      var neighborhood = labelled(t("opt_neighborhood", {}, lang), school.text + " ");
      var link = element("a", "", school.url);
      link.href = /^https?:\/\//i.test(school.url) ? school.url : "#";
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      neighborhood.appendChild(link);
      out.appendChild(neighborhood);
      if (result.notes.length > 1) {
        out.appendChild(element("p", "flags-title", t("opt_notes", {}, lang)));
        out.appendChild(list(result.notes.slice(1), "notes"));
      }
    }
  };

  function showToolResult(section, tool, reply) {
    var block = section.querySelector(".tool-result");
    block.textContent = "";
    block.appendChild(document.importNode($("tool-result-template").content, true));
    i18n.translate(block);
    ["en", "es"].forEach(function (lang) {
      var column = block.querySelector('.answer[data-lang="' + lang + '"]');
      var heading = column.querySelector("h4");
      heading.id = "result-" + tool + "-" + lang;
      column.querySelector(".copy").setAttribute("data-copy", tool);
      column.querySelector(".copy").setAttribute("aria-describedby", heading.id);
      RENDER[tool](reply[lang], lang, column.querySelector(".text"));
    });
    block.querySelector(".as-of").textContent = reply.en.as_of;
    fill(block.querySelector(".sources"), reply.en.sources, sourceItem);
    copies[tool] = reply.copy;
    block.hidden = false;
  }

  function runTool(form) {
    var section = form.closest(".tool");
    var tool = section.getAttribute("data-tool");
    var status = section.querySelector(".status");
    var report = function (text) { status.textContent = text; };
    report(t("working"));
    api("/staff/api/tools/" + tool, BODIES[tool](form)).then(function (reply) {
      if (reply.ok) {
        showToolResult(section, tool, reply.data);
        report(t("tool_done"));
      } else {
        section.querySelector(".tool-result").hidden = true;
        report(reply.data.error[i18n.lang]);
      }
    }).catch(function (error) { failed(error, report); });
  }

  // --- the A-G table ---------------------------------------------------------------------------------------

  function numberRows() {
    $("ag-rows").querySelectorAll("tr").forEach(function (row, index) {
      var n = index + 1;
      row.querySelector("th").textContent = String(n);
      row.querySelectorAll("[data-column]").forEach(function (control) {
        control.setAttribute("aria-label", t("ag_cell", { n: n, column: t(control.getAttribute("data-label")) }));
      });
      row.querySelector(".ag-remove-row").setAttribute("aria-label", t("ag_remove_row", { n: n }));
    });
  }

  function addRow(focus) {
    var row = document.importNode($("ag-row-template").content, true).querySelector("tr");
    i18n.translate(row);
    row.querySelector(".ag-remove-row").addEventListener("click", function () {
      var next = row.nextElementSibling || row.previousElementSibling;
      row.parentNode.removeChild(row);
      if (!$("ag-rows").querySelector("tr")) addRow(false);
      numberRows();
      var target = next && next.parentNode ? next : $("ag-rows").querySelector("tr");
      target.querySelector("select").focus();
    });
    $("ag-rows").appendChild(row);
    numberRows();
    if (focus) row.querySelector("select").focus();
  }

  // --- copying ---------------------------------------------------------------------------------------------

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

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.copy");
    if (!button) return;
    var texts = copies[button.getAttribute("data-copy") || "lookup"];
    if (!texts) return;
    var returnFocus = document.activeElement === button;  // the selection fallback moves focus away
    copyText(texts[button.getAttribute("data-lang")]).then(function () {
      button.textContent = t("copied");
      window.setTimeout(function () { button.textContent = t("copy"); }, 2000);
    }, function () {
      var tool = button.closest(".tool");
      if (tool) tool.querySelector(".status").textContent = t("copy_failed");
      else setStatus(t("copy_failed"));
    }).then(function () { if (returnFocus) button.focus(); });
  });

  // --- wiring ----------------------------------------------------------------------------------------------

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

  document.querySelectorAll(".tool-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      runTool(form);
    });
  });

  $("ag-add-row").addEventListener("click", function () { addRow(true); });
  for (var n = 0; n < AG_START_ROWS; n += 1) addRow(false);

  $("sign-out").addEventListener("click", function () { showSignIn(false); });

  if (token()) {
    checkToken();
  } else {
    showSignIn(false);
  }
})();
