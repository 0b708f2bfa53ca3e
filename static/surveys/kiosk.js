/* SKM survey form: the counter kiosk and the public QR page share it (docs/api.md).
 *
 * Kiosk mode: the token comes from the link's fragment and is kept in localStorage; the form comes from
 * GET /api/v1/kiosk (kept for reloads while offline); answers go to POST /api/v1/responses.
 * A kiosk whose payload says mode "pulse" shows the daily pulse instead (docs/pulse.md): four faces, one
 * tap, posted to POST /api/v1/pulse through the same queue (each queued item carries its own URL).
 * Public mode: the form comes with the page and answers go back to the page's URL.
 * Either way an answer is first written to IndexedDB with a UUID made here and the citizen's own time,
 * then sent oldest first. The server stores a key once, so sending again is always safe.
 */
(function () {
  "use strict";

  var cfg = JSON.parse(document.getElementById("survey-config").textContent);
  var TEXTS = JSON.parse(document.getElementById("survey-texts").textContent);
  var timing = window.SKM_SURVEY_TIMING || {}; // tests shorten the waits

  var KIOSK = cfg.mode === "kiosk";
  var PULSE = false; // set from the kiosk's payload
  var DEFAULT_LANG = "id";
  var THANKS_SECONDS = timing.thanks || 8;
  var PULSE_THANKS_MS = timing.pulseThanks || 2500;
  var IDLE_SECONDS = timing.idle || 90;
  var IDLE_WARNING_SECONDS = Math.min(15, Math.floor(IDLE_SECONDS / 2));
  var SEND_TIMEOUT_MS = 10000;
  var WAIT_FOR_SERVER_MS = 6000;
  var FLUSH_EVERY_MS = timing.flushEvery || 30000;
  var MODE_CHECK_MS = timing.modeEvery || 60000;
  var SHELL_CACHE = "skm-kiosk-v1";
  var TOKEN_KEY = "skm.kiosk.token";
  var PAYLOAD_KEY = "skm.kiosk.payload";

  var lang = DEFAULT_LANG;
  var payload = null;
  var token = null;
  var steps = [];
  var current = 0;
  var touched = false;
  var submitting = false;
  var pulseTimer = null;
  var lastActivity = Date.now();
  var thanksTimer = null;
  var reachable = null;
  var pairingProblem = null; // set when the server no longer knows this kiosk (401) or refuses it (403)
  var bilingual = [];
  var results = new Map();

  function $(id) { return document.getElementById(id); }

  function t(key, vars) {
    var text = (TEXTS[lang] && TEXTS[lang][key]) || TEXTS[DEFAULT_LANG][key] || key;
    Object.keys(vars || {}).forEach(function (name) { text = text.split("%(" + name + ")s").join(vars[name]); });
    return text;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (attrs[name] !== null && attrs[name] !== undefined && attrs[name] !== false) node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  /* A text shown in Indonesian or English: static ones by key (data-t), payload ones by value. */
  function textKey(node, key, vars) {
    node.setAttribute("data-t", key);
    if (vars) node.setAttribute("data-vars", JSON.stringify(vars));
    node.textContent = t(key, vars);
    return node;
  }
  function both(node, id, en, others) {
    var entry = [node, id, en || id, others || {}];
    bilingual.push(entry);
    node.textContent = shownText(entry);
    return node;
  }
  function shownText(entry) {
    if (lang === "en") return entry[2];
    return (lang !== DEFAULT_LANG && entry[3][lang]) || entry[1];
  }

  /* ---------- languages kept as data (docs/languages.md): id and en are built in ---------- */

  function extraLanguages() { return (payload && payload.languages) || []; }

  /* The text of each extra language for one place of the form, e.g. a question: {jv: "...", su: "..."}. */
  function others(pick) {
    var found = {};
    extraLanguages().forEach(function (language) {
      try { found[language.code] = pick(language); } catch (error) { /* incomplete: Indonesian is shown */ }
    });
    return found;
  }

  /* With more than two languages the toggle becomes a list of every enabled one. */
  function languageList() {
    var extra = extraLanguages();
    if (!extra.length || $("lang-select")) return;
    extra.forEach(function (language) { TEXTS[language.code] = language.texts; });
    var select = el("select", {id: "lang-select", "class": "lang-select", "aria-label": "Bahasa / Language"});
    [{code: "id", name: "Bahasa Indonesia"}, {code: "en", name: "English"}].concat(extra).forEach(function (language) {
      select.appendChild(el("option", {value: language.code, lang: language.code, text: language.name}));
    });
    select.addEventListener("change", function () {
      touched = true;
      lang = select.value;
      applyLanguage();
    });
    $("lang-toggle").hidden = true;
    $("lang-toggle").parentNode.insertBefore(select, $("lang-toggle"));
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-t]").forEach(function (node) {
      var vars = node.getAttribute("data-vars");
      node.textContent = t(node.getAttribute("data-t"), vars ? JSON.parse(vars) : null);
    });
    bilingual.forEach(function (entry) { entry[0].textContent = shownText(entry); });
    if ($("lang-select")) $("lang-select").value = lang;
    var toggle = $("lang-toggle");
    toggle.textContent = lang === "en" ? "Bahasa Indonesia" : "English";
    toggle.setAttribute("lang", lang === "en" ? "id" : "en");
    refreshStatus();
  }

  /* ---------- the form ---------- */

  function choices(name, options, field, legendKey) {
    var list = el("div", {"class": "choices choices-" + name});
    options.forEach(function (option) {
      var input = el("input", {type: "radio", name: name, value: option.value, autocomplete: "off"});
      if (option.fixed) { input.defaultChecked = true; input.checked = true; }
      var label = el("label", {"class": "choice" + (option.cls ? " " + option.cls : "")}, [input]);
      if (option.badge) label.appendChild(el("span", {"class": "badge", "aria-hidden": "true", text: option.badge}));
      label.appendChild(both(el("span", {"class": "choice-text"}), option.label, option.labelEn, option.others));
      list.appendChild(label);
    });
    var legend = el("legend");
    if (legendKey) textKey(legend, legendKey);
    return el("fieldset", {"class": "field", "data-field": field}, [legend, list, el("p", {"class": "error", role: "alert"})]);
  }

  function profileOptions(items, question) {
    return items.map(function (item) {
      return {value: item.code, label: item.label, labelEn: item.label_en,
        others: others(function (language) { return language.profile[question][item.code]; })};
    });
  }

  function navButtons(back, forward) {
    var nav = el("div", {"class": "nav"});
    if (back) nav.appendChild(textKey(el("button", {type: "button", "class": "btn btn-secondary", "data-go": "back"}), "back"));
    if (forward) nav.appendChild(forward);
    return nav;
  }

  function build() {
    var box = $("steps");
    box.textContent = "";
    bilingual = [];
    steps = [];
    languageList();
    $("unit-name").textContent = payload.unit.name;
    if (KIOSK && payload.kiosk) $("kiosk-name").textContent = payload.kiosk.name;

    var services = payload.services;
    if (cfg.service) services = services.filter(function (s) { return s.id === cfg.service; });
    var first = el("section", {"class": "step step-profile"}, [
      textKey(el("h1"), "about_you"),
      textKey(el("p", {"class": "intro"}), "intro"),
      choices("service", services.map(function (s) {
        return {value: s.id, label: s.name, fixed: services.length === 1};
      }), "service", "service"),
      choices("gender", profileOptions(payload.profile.gender, "gender"), "profile.gender", "gender"),
      el("fieldset", {"class": "field", "data-field": "profile.age"}, [
        textKey(el("legend"), "age"),
        el("input", {type: "text", name: "age", inputmode: "numeric", pattern: "[0-9]*", maxlength: "3",
          autocomplete: "off", "class": "age", "aria-label": t("age")}),
        el("p", {"class": "error", role: "alert"})
      ]),
      choices("education", profileOptions(payload.profile.education, "education"), "profile.education", "education"),
      choices("occupation", profileOptions(payload.profile.occupation, "occupation"), "profile.occupation", "occupation"),
      navButtons(false, textKey(el("button", {type: "button", "class": "btn btn-primary", "data-go": "next"}), "next"))
    ]);
    steps.push(first);

    var total = payload.elements.length;
    payload.elements.forEach(function (element, index) {
      var group = choices(element.code, element.labels.map(function (label, i) {
        return {value: i + 1, label: label, labelEn: element.labels_en[i], badge: String(i + 1), cls: "answer answer-" + (i + 1),
          others: others(function (language) { return language.elements[element.code].labels[i]; })};
      }), "answers." + element.code, null);
      both(group.querySelector("legend"), element.question, element.question_en,
        others(function (language) { return language.elements[element.code].question; }));
      group.querySelector("legend").className = "question";
      steps.push(el("section", {"class": "step step-element", "data-element": element.code}, [
        textKey(el("p", {"class": "step-count"}), "question_of", {n: index + 1, total: total}),
        both(el("h2", {"class": "element-name"}), element.name, element.name_en),
        group,
        navButtons(true, textKey(el("button", {type: "button", "class": "btn btn-primary", "data-go": "next"}), "next"))
      ]));
    });

    var suggestion = el("textarea", {id: "suggestion", name: "suggestion", rows: "4", maxlength: "2000", autocomplete: "off"});
    var suggestionLabel = textKey(el("label", {"for": "suggestion"}), "suggestion");
    steps.push(el("section", {"class": "step step-final"}, [
      el("div", {"class": "field", "data-field": "suggestion"}, [
        suggestionLabel, textKey(el("p", {"class": "hint"}), "suggestion_hint"), suggestion,
        el("p", {"class": "error", role: "alert"})
      ]),
      el("p", {"class": "error form-error", id: "form-error", role: "alert"}),
      navButtons(true, textKey(el("button", {type: "submit", "class": "btn btn-primary btn-submit", id: "submit"}), "submit"))
    ]));

    steps.forEach(function (step) { step.hidden = true; box.appendChild(step); });
    announce("skm:form", {payload: payload, kiosk: KIOSK});
    show(0);
  }

  function show(index) {
    current = index;
    steps.forEach(function (step, i) { step.hidden = i !== index; });
    $("progress").hidden = false;
    $("progress-bar").style.width = Math.round(100 * index / (steps.length - 1)) + "%";
    window.scrollTo(0, 0);
    announce("skm:step", {step: steps[index]});
  }

  /* Tells kiosk-access.js (read aloud, faces, display modes) what is on screen. */
  function announce(name, detail) {
    document.dispatchEvent(new CustomEvent(name, {detail: detail || {}}));
  }

  function setError(field, message) {
    var box = document.querySelector('[data-field="' + field + '"]');
    if (!box) return false;
    box.classList.add("invalid");
    box.querySelector(".error").textContent = message;
    return true;
  }

  function clearErrors() {
    document.querySelectorAll(".field.invalid").forEach(function (box) { box.classList.remove("invalid"); });
    document.querySelectorAll(".error").forEach(function (node) { node.textContent = ""; });
  }

  function value(name) {
    var field = $("survey").elements[name];
    return field ? (field.value || "").trim() : "";
  }

  function checkStep(index) {
    var problems = [];
    if (index === 0) {
      ["service", "gender", "education", "occupation"].forEach(function (name) {
        if (!value(name)) problems.push([name === "service" ? "service" : "profile." + name, t("choose")]);
      });
      var age = value("age");
      var limits = payload.profile.age;
      if (!/^[0-9]{1,3}$/.test(age) || +age < limits.min || +age > limits.max) {
        problems.push(["profile.age", t("age_range", {min: limits.min, max: limits.max})]);
      }
    } else if (index < steps.length - 1) {
      var code = steps[index].getAttribute("data-element");
      if (!value(code)) problems.push(["answers." + code, t("choose")]);
    }
    problems.forEach(function (problem) { setError(problem[0], problem[1]); });
    return problems.length === 0;
  }

  function collect() {
    var answers = {};
    payload.elements.forEach(function (element) { answers[element.code] = +value(element.code); });
    var body = {
      service: +value("service"),
      profile: {gender: value("gender"), age: +value("age"), education: value("education"), occupation: value("occupation")},
      answers: answers,
      suggestion: value("suggestion"),
      lang: lang
    };
    if (KIOSK) body.assisted = !!($("assisted") && $("assisted").checked);
    if (!KIOSK) {
      body.form_token = cfg.form_token;
      body.website = value("website");
    }
    return body;
  }

  /* Server field errors: mark each field and go to the first step that has one. */
  function showServerErrors(errors) {
    clearErrors();
    var loose = [];
    Object.keys(errors).forEach(function (field) {
      if (!setError(field, errors[field])) loose.push(errors[field]);
    });
    $("form-error").textContent = [t("check_answers")].concat(loose).join(" ");
    for (var i = 0; i < steps.length; i++) {
      if (steps[i].querySelector(".invalid")) { show(i); revealFirstError(); return; }
    }
    show(steps.length - 1);
  }

  /* ---------- answers stored on the device ---------- */

  var outbox = (function () {
    var memory = {outbox: new Map(), rejected: new Map()};
    var opening = null;

    function open() {
      if (!opening) {
        opening = new Promise(function (resolve) {
          var request;
          try { request = window.indexedDB.open("skm-survey", 1); } catch (error) { resolve(null); return; }
          request.onupgradeneeded = function () {
            var db = request.result;
            db.createObjectStore("outbox", {keyPath: "key"}).createIndex("created", "created");
            db.createObjectStore("rejected", {keyPath: "key"});
          };
          request.onsuccess = function () { resolve(request.result); };
          request.onerror = function () { resolve(null); };
        });
      }
      return opening;
    }

    /* Runs one request; resolves with its result once the transaction has committed. */
    function run(store, mode, makeRequest, fallback) {
      return open().then(function (db) {
        if (!db) return fallback(memory[store]);
        return new Promise(function (resolve, reject) {
          var tx = db.transaction(store, mode);
          var request = makeRequest(tx.objectStore(store));
          var result;
          request.onsuccess = function () { result = request.result; };
          tx.oncomplete = function () { resolve(result); };
          tx.onerror = tx.onabort = function () { reject(tx.error); };
        });
      });
    }

    function sorted(map) {
      return Array.from(map.values()).sort(function (a, b) { return a.created - b.created; });
    }

    return {
      add: function (item) {
        return run("outbox", "readwrite", function (s) { return s.put(item); },
          function (m) { m.set(item.key, item); });
      },
      oldest: function () {
        return run("outbox", "readonly", function (s) { return s.index("created").getAll(null, 1); },
          function (m) { return sorted(m).slice(0, 1); }).then(function (items) { return items[0] || null; });
      },
      remove: function (key) {
        return run("outbox", "readwrite", function (s) { return s.delete(key); },
          function (m) { m.delete(key); });
      },
      setAside: function (item, errors) {
        var kept = Object.assign({}, item, {errors: errors, rejectedAt: Date.now()});
        return run("rejected", "readwrite", function (s) { return s.put(kept); },
          function (m) { m.set(item.key, kept); }).then(function () { return outbox.remove(item.key); });
      },
      forgetRejected: function (key) {
        return run("rejected", "readwrite", function (s) { return s.delete(key); },
          function (m) { m.delete(key); });
      },
      count: function (store) {
        return run(store, "readonly", function (s) { return s.count(); }, function (m) { return m.size; });
      },
      rejectedItems: function () {
        return run("rejected", "readonly", function (s) { return s.getAll(); }, function (m) { return sorted(m); });
      }
    };
  })();

  function send(item) {
    var headers = {"Content-Type": "application/json", "Accept-Language": item.body.lang || lang};
    if (item.token) headers.Authorization = "Kiosk " + item.token;
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, SEND_TIMEOUT_MS);
    return fetch(item.url, {
      method: "POST", headers: headers, body: JSON.stringify(item.body), credentials: "omit",
      cache: "no-store", signal: controller.signal
    }).finally(function () { clearTimeout(timer); });
  }

  var flushing = null;
  var retryTimer = null;
  var failures = 0;
  var notBefore = 0; // set from Retry-After: no send before then, whatever triggers a flush

  function flush() {
    if (Date.now() < notBefore) return Promise.resolve();
    if (!flushing) {
      flushing = sendQueued().catch(function () { scheduleRetry(); }).finally(function () {
        flushing = null;
        refreshStatus();
      });
    }
    return flushing;
  }

  /* A server that says when to come back (429 flood control, 503 while its database is away) is not asked
     again before then; otherwise back off. The queue keeps every answer meanwhile. */
  function scheduleRetry(seconds) {
    failures += 1;
    var delay = seconds > 0 ? seconds * 1000 * (1 + Math.random() * 0.2)
      : Math.min(60000, 2000 * Math.pow(2, Math.min(failures, 5))) * (0.8 + Math.random() * 0.4);
    notBefore = seconds > 0 ? Date.now() + seconds * 1000 : 0;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, delay);
  }

  /* Oldest first; stop at the first network failure (the rest would fail too) and try again later. */
  async function sendQueued() {
    for (;;) {
      var item = await outbox.oldest();
      if (!item) return;
      var response;
      try {
        response = await send(item);
      } catch (error) {
        reachable = false;
        scheduleRetry();
        return;
      }
      reachable = true;
      var status = response.status;
      var body = await response.json().catch(function () { return {}; });
      if (status === 200 || status === 201 || status === 202) {
        failures = 0;
        await outbox.remove(item.key);
        results.set(item.key, {status: "sent"});
      } else if (status === 401 || status === 403) {
        // The kiosk lost its pairing; its queue waits for staff, nothing is thrown away.
        if (KIOSK) {
          pairingProblem = body.detail || t(status === 401 ? "unknown_token" : "revoked");
          showMessage(pairingProblem);
        }
        return;
      } else if (status === 429 || status >= 500) {
        scheduleRetry(+response.headers.get("Retry-After") || 0);
        return;
      } else {
        // The server will never take this one: keep it aside, visible, so it does not block the queue.
        var errors = body.errors || {body: body.detail || String(status)};
        await outbox.setAside(item, errors);
        results.set(item.key, {status: "rejected", errors: errors});
      }
      refreshStatus();
    }
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.from(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  /* The device's local time with its offset, e.g. 2026-11-23T09:30:05+07:00. */
  function localIso(date) {
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    var offset = -date.getTimezoneOffset();
    var abs = Math.abs(offset);
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" +
      pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()) +
      (offset >= 0 ? "+" : "-") + pad(Math.floor(abs / 60)) + ":" + pad(abs % 60);
  }

  async function submit(event) {
    event.preventDefault();
    if (submitting || current !== steps.length - 1) return;
    clearErrors();
    for (var i = 0; i < steps.length; i++) {
      if (!checkStep(i)) { show(i); revealFirstError(); return; }
    }
    submitting = true;
    var button = $("submit");
    button.disabled = true;
    textKey(button, "sending");
    var key = uuid();
    var item = {
      key: key, created: Date.now(), url: KIOSK ? cfg.api.responses : cfg.submit, token: KIOSK ? token : null,
      body: Object.assign({key: key, answered_at: localIso(new Date())}, collect())
    };
    try {
      await outbox.add(item);
      refreshStatus();
      var outcome = await Promise.race([
        // A send already under way may have finished its queue just before this survey joined it.
        flush().then(function () { return results.get(key) || flush().then(function () { return results.get(key); }); }),
        new Promise(function (resolve) { setTimeout(resolve, WAIT_FOR_SERVER_MS); })
      ]);
      if (outcome && outcome.status === "rejected") {
        // The citizen is still here: let them correct it instead of keeping it aside.
        await outbox.forgetRejected(key);
        refreshStatus();
        showServerErrors(outcome.errors);
        return;
      }
      if (pairingProblem) showMessage(pairingProblem);
      else showThanks(!!outcome && outcome.status === "sent");
    } finally {
      submitting = false;
      button.disabled = false;
      textKey(button, "submit");
    }
  }

  /* ---------- screens ---------- */

  function showOnly(id) {
    ["screen-loading", "screen-message", "survey", "screen-thanks", "screen-pulse", "screen-pulse-thanks"]
      .forEach(function (name) { if ($(name)) $(name).hidden = name !== id; });
    if (id !== "survey") $("progress").hidden = true;
  }

  function showMessage(text, retry) {
    $("message-text").textContent = text;
    $("message-retry").hidden = !retry;
    $("message-retry").onclick = retry || null;
    showOnly("screen-message");
  }

  function showThanks(sent) {
    showOnly("screen-thanks");
    textKey($("thanks-detail"), sent ? "thanks_sent" : "thanks_queued");
    hideIdle();
    if (!KIOSK) {
      $("thanks-countdown").textContent = "";
      return;
    }
    var left = THANKS_SECONDS;
    textKey($("thanks-countdown"), "thanks_reset", {n: left});
    clearInterval(thanksTimer);
    thanksTimer = setInterval(function () {
      left -= 1;
      if (left <= 0) resetForm();
      else textKey($("thanks-countdown"), "thanks_reset", {n: left});
    }, 1000);
  }

  /* Back to a blank form in Indonesian: the next citizen never sees the previous answers. */
  function resetForm() {
    clearInterval(thanksTimer);
    if (!payload || pairingProblem) return;
    if (PULSE) { resetPulse(); return; }
    $("survey").reset();
    announce("skm:reset");
    clearErrors();
    hideIdle();
    touched = false;
    lang = DEFAULT_LANG;
    applyLanguage();
    showOnly("survey");
    show(0);
    lastActivity = Date.now();
  }

  function hideIdle() { $("idle").hidden = true; }

  /* ---------- the daily pulse ---------- */

  function startPulse() {
    $("unit-name").textContent = payload.unit.name;
    if (payload.kiosk) $("kiosk-name").textContent = payload.kiosk.name;
    textKey(document.querySelector(".brand-title"), "pulse_title");
    document.title = t("pulse_title");
    $("screen-pulse").addEventListener("click", function (event) {
      var face = event.target.closest("[data-pulse]");
      if (face) tapPulse(+face.getAttribute("data-pulse"));
    });
    resetPulse();
  }

  /* One tap is one answer: queued on the device first, then sent; the screen thanks and resets at once,
   * whether or not the server was reached. */
  async function tapPulse(value) {
    if (!$("screen-pulse-thanks").hidden) return;
    var key = uuid();
    var item = {
      key: key, created: Date.now(), url: cfg.api.pulse, token: token,
      body: {key: key, value: value, answered_at: localIso(new Date()), lang: lang}
    };
    showOnly("screen-pulse-thanks");
    try {
      await outbox.add(item);
    } catch (error) {
      showMessage(t("no_form"), function () { location.reload(); });
      return;
    }
    refreshStatus();
    flush();
    clearTimeout(pulseTimer);
    pulseTimer = setTimeout(resetPulse, PULSE_THANKS_MS);
  }

  /* Staff may switch the kiosk between the survey and the pulse: an idle kiosk follows within a minute
   * (never while a citizen is filling in the form or being thanked). Queued answers stay in IndexedDB. */
  async function followMode() {
    if (pairingProblem || (PULSE ? !$("screen-pulse-thanks").hidden : touched)) return;
    try {
      var response = await fetch(cfg.api.kiosk, {
        headers: {Authorization: "Kiosk " + token}, credentials: "omit", cache: "no-store"
      });
      if (!response.ok) return;
      var data = await response.json();
      if ((data.mode === "pulse") !== PULSE) {
        localStorage.setItem(PAYLOAD_KEY, JSON.stringify({token: token, data: data}));
        location.reload();
      }
    } catch (error) {
      // Offline: keep the screen it has.
    }
  }

  function resetPulse() {
    clearTimeout(pulseTimer);
    if (pairingProblem) { showMessage(pairingProblem); return; }
    touched = false;
    lang = DEFAULT_LANG;
    applyLanguage();
    showOnly("screen-pulse");
    lastActivity = Date.now();
  }

  function idleTick() {
    // A pulse kiosk left in English goes back to Indonesian for the next citizen.
    if (PULSE && touched && (Date.now() - lastActivity) / 1000 >= IDLE_SECONDS) resetPulse();
    if (!KIOSK || !touched || $("survey").hidden) return;
    var idle = (Date.now() - lastActivity) / 1000;
    if (idle >= IDLE_SECONDS) {
      resetForm();
    } else if (idle >= IDLE_SECONDS - IDLE_WARNING_SECONDS) {
      textKey($("idle-text"), "idle", {n: Math.ceil(IDLE_SECONDS - idle)});
      $("idle").hidden = false;
    }
  }

  async function refreshStatus() {
    var offline = !navigator.onLine || reachable === false;
    var net = $("net");
    textKey(net, offline ? "offline" : "online");
    net.className = "net " + (offline ? "net-off" : "net-on");
    var pending = await outbox.count("outbox");
    var box = $("outbox");
    box.hidden = pending === 0;
    textKey(box, "pending", {n: pending});
    box.setAttribute("data-count", pending);
    var rejected = await outbox.rejectedItems();
    var aside = $("rejected");
    aside.hidden = rejected.length === 0;
    textKey(aside, "rejected", {n: rejected.length});
    aside.title = rejected.map(function (item) {
      return item.body.answered_at + ": " + Object.keys(item.errors).map(function (f) { return f + " " + item.errors[f]; }).join("; ");
    }).join("\n");
  }

  /* ---------- starting up ---------- */

  function readToken() {
    var fromLink = "";
    try {
      fromLink = decodeURIComponent(location.hash.replace(/^#/, "")).trim();
    } catch (error) {
      // A mangled link: fall back to the token this tablet already has.
    }
    if (fromLink) {
      if (localStorage.getItem(TOKEN_KEY) !== fromLink) localStorage.removeItem(PAYLOAD_KEY);
      localStorage.setItem(TOKEN_KEY, fromLink);
      // Keep the secret out of the address bar and the history.
      history.replaceState(null, "", location.pathname + location.search);
    }
    return localStorage.getItem(TOKEN_KEY);
  }

  function cachedPayload() {
    try {
      var saved = JSON.parse(localStorage.getItem(PAYLOAD_KEY) || "null");
      return saved && saved.token === token ? saved.data : null;
    } catch (error) {
      return null;
    }
  }

  async function loadKioskPayload() {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, SEND_TIMEOUT_MS);
    try {
      var response = await fetch(cfg.api.kiosk, {
        headers: {Authorization: "Kiosk " + token, "Accept-Language": lang}, credentials: "omit",
        cache: "no-store", signal: controller.signal
      });
      reachable = true;
      if (response.ok) {
        var data = await response.json();
        localStorage.setItem(PAYLOAD_KEY, JSON.stringify({token: token, data: data}));
        return data;
      }
      if (response.status === 401 || response.status === 403) {
        var body = await response.json().catch(function () { return {}; });
        if (response.status === 401) localStorage.removeItem(PAYLOAD_KEY);
        showMessage(response.status === 401 ? t("unknown_token") : (body.detail || t("revoked")));
        return null;
      }
    } catch (error) {
      reachable = false;
    } finally {
      clearTimeout(timer);
    }
    var cached = cachedPayload();
    if (cached) return cached;
    showMessage(t("no_form"), function () { location.reload(); });
    return null;
  }

  /* The service worker serves the page and its files when the server cannot be reached. The first visit
   * is not yet under its control, so the page puts its own files into the worker's cache once. */
  function keepShellOffline() {
    if (!("serviceWorker" in navigator) || !window.caches) return;
    navigator.serviceWorker.register(cfg.sw, {scope: cfg.scope}).catch(function () {});
    if (navigator.serviceWorker.controller) return;
    var files = [location.pathname];
    document.querySelectorAll('link[rel="stylesheet"][href], script[src]').forEach(function (node) {
      files.push(node.href || node.src);
    });
    caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(files); }).catch(function () {});
  }

  function bindEvents() {
    var form = $("survey");
    form.addEventListener("submit", submit);
    form.addEventListener("change", function (event) {
      touched = true;
      var target = event.target;
      var box = target.closest(".field");
      if (box) { box.classList.remove("invalid"); box.querySelector(".error").textContent = ""; }
      var step = target.closest(".step-element");
      if (step && target.type === "radio") {
        var index = steps.indexOf(step);
        // A short pause shows the choice before the next question.
        setTimeout(function () { if (current === index) show(index + 1); }, 250);
      }
    });
    form.addEventListener("input", function () { touched = true; });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.tagName === "INPUT" && current < steps.length - 1) {
        event.preventDefault();
        go(+1);
      }
    });
    form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-go]");
      if (button) go(button.getAttribute("data-go") === "next" ? +1 : -1);
    });
    ["pointerdown", "keydown", "input", "touchstart"].forEach(function (name) {
      document.addEventListener(name, function () { lastActivity = Date.now(); hideIdle(); }, {passive: true});
    });
    $("lang-toggle").addEventListener("click", function () {
      touched = true; // so an idle kiosk also returns to Indonesian
      lang = lang === "en" ? "id" : "en";
      applyLanguage();
    });
    // A QR page's form token is used once: the next survey on a phone needs a freshly served page.
    $("new-survey").addEventListener("click", KIOSK ? resetForm : function () { window.location.reload(); });
    $("idle-continue").addEventListener("click", function () { lastActivity = Date.now(); hideIdle(); });
    // Leaving and coming back (back button, bfcache) never shows the previous citizen's answers.
    window.addEventListener("pagehide", function () { if (KIOSK) resetForm(); });
    window.addEventListener("pageshow", function (event) { if (event.persisted) resetForm(); });
    window.addEventListener("online", function () { failures = 0; flush(); });
    window.addEventListener("offline", refreshStatus);
  }

  function go(direction) {
    clearErrors();
    if (direction > 0 && !checkStep(current)) { revealFirstError(); return; }
    show(Math.max(0, Math.min(steps.length - 1, current + direction)));
  }

  function revealFirstError() {
    var first = steps[current].querySelector(".field.invalid");
    if (first) first.scrollIntoView({block: "center"});
  }

  async function start() {
    bindEvents();
    applyLanguage();
    if (KIOSK) {
      token = readToken();
      if (!token) { showMessage(t("unpaired")); return; }
      keepShellOffline();
      payload = await loadKioskPayload();
      if (!payload) return;
      PULSE = payload.mode === "pulse";
    } else {
      payload = cfg.payload;
    }
    if (PULSE) {
      startPulse();
    } else {
      build();
      applyLanguage();
      showOnly("survey");
      show(0);
    }
    flush();
    setInterval(flush, FLUSH_EVERY_MS);
    if (KIOSK) setInterval(followMode, MODE_CHECK_MS);
    setInterval(idleTick, 1000);
  }

  start();
})();
