/* Paper entry grid: one row per paper sheet, typed with the keyboard only.
 *
 * Enter/Tab move to the next cell, Shift+Enter back, a valid one-key code (score 1-4, L/P, a legend
 * number) moves on by itself, arrows up/down change row, Ctrl+Delete removes a row, Ctrl+Enter saves.
 * Each row gets a UUID when it is created; the server stores a key once, so saving the same rows again
 * (double submit, retry after a network error) never counts a sheet twice. Rows are kept in
 * localStorage until they are saved, so a reload loses nothing.
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("paper-config").textContent);
  const form = document.getElementById("paper-form");
  const body = document.querySelector("#paper-grid tbody");
  const status = document.getElementById("paper-status");
  const todayCount = document.getElementById("paper-today");
  const saveButton = document.getElementById("paper-save");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const text = config.messages;
  const profile = ["gender", "age", "education", "occupation"];
  const fields = ["date", "service", ...profile, ...config.elements, "suggestion"];
  const scores = new Set(config.elements);
  const FIRST_ANSWER = profile[0];  // the first cell the respondent filled in; date and service are carried over
  let saving = false;

  function newKey() {
    if (window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    // randomUUID needs a secure context; an office LAN over plain http still has getRandomValues.
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  /* A typed date as {iso, shown}, or null. Accepts 2/11, 2/11/26, 02/11/2026, 2-11-2026, 2026-11-02. */
  function parseDate(value) {
    const typed = value.trim();
    let day, month, year;
    let match = typed.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
    if (match) {
      [year, month, day] = [match[1], match[2], match[3]].map(Number);
    } else {
      match = typed.match(/^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/);
      if (!match) {
        return null;
      }
      day = Number(match[1]);
      month = Number(match[2]);
      year = match[3] ? Number(match[3]) : Number(config.today.slice(0, 4));
      if (year < 100) {
        year += 2000;
      }
    }
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
      return null;
    }
    return {iso: `${year}-${pad(month)}-${pad(day)}`, shown: `${pad(day)}/${pad(month)}/${year}`};
  }

  function folded(value) {
    return value.trim().replace(/\s+/g, " ").toLowerCase();
  }

  function inList(value, list) {
    const wanted = folded(value);
    return list.some(([number, name]) => String(number) === wanted || folded(name) === wanted);
  }

  /* The problem with one cell's value, or "" when it is fine. */
  function problem(field, value) {
    const typed = value.trim();
    if (field === "date") {
      if (!typed) {
        return text.dateRequired;
      }
      const date = parseDate(typed);
      if (!date) {
        return text.date;
      }
      return date.iso > config.today ? text.future : "";
    }
    if (field === "service") {
      if (!typed) {
        return text.serviceRequired;
      }
      return inList(typed, config.services) ? "" : text.service;
    }
    if (!typed) {
      return "";
    }
    if (field === "gender") {
      return /^[lp]$/i.test(typed) ? "" : text.gender;
    }
    if (field === "age") {
      const age = Number(typed);
      return /^\d{1,3}$/.test(typed) && age >= config.age.min && age <= config.age.max ? "" : text.age;
    }
    if (field === "education" || field === "occupation") {
      return inList(typed, config[field === "education" ? "educations" : "occupations"]) ? "" : text[field];
    }
    if (scores.has(field)) {
      return /^[1-4]$/.test(typed) ? "" : text.score;
    }
    return typed.length > config.suggestionMax ? text.suggestion : "";
  }

  /* Whether a value typed into a cell is complete, so the cursor can move on without Enter. */
  function complete(field, value) {
    if (scores.has(field)) {
      return /^[1-4]$/.test(value);
    }
    if (field === "gender") {
      return /^[lp]$/i.test(value);
    }
    if (field === "age") {
      return (/^\d{2}$/.test(value) && Number(value) >= config.age.min) || value === String(config.age.max);
    }
    const list = {service: config.services, education: config.educations, occupation: config.occupations}[field];
    // A single digit is the whole code only while the legend has fewer than ten entries.
    return Boolean(list) && /^\d$/.test(value) && list.length < 10 && inList(value, list);
  }

  function cells(row) {
    return Array.from(row.querySelectorAll("input[data-field]"));
  }

  function cell(row, field) {
    return row.querySelector(`input[data-field="${field}"]`);
  }

  function rows() {
    return Array.from(body.querySelectorAll("tr"));
  }

  function isBlank(row) {
    return [...profile, ...config.elements, "suggestion"].every((field) => !cell(row, field).value.trim());
  }

  function label(field) {
    return config.labels[field] || field;
  }

  function showRowMessages(row) {
    const parts = [];
    if (row.dataset.rowError) {
      parts.push(row.dataset.rowError);
    }
    cells(row).forEach((input) => {
      if (input.dataset.error) {
        parts.push(`${label(input.dataset.field)}: ${input.dataset.error}`);
      }
    });
    row.querySelector(".paper-message").textContent = parts.join("; ");
  }

  function mark(input, message) {
    input.dataset.error = message;
    input.classList.toggle("is-invalid", Boolean(message));
    input.setAttribute("aria-invalid", message ? "true" : "false");
    input.title = message;
    showRowMessages(input.closest("tr"));
  }

  function check(input) {
    if (input.dataset.field === "date") {
      const date = parseDate(input.value);
      if (date) {
        input.value = date.shown;
      }
    }
    if (input.dataset.field === "gender") {
      input.value = input.value.toUpperCase();
    }
    const message = problem(input.dataset.field, input.value);
    mark(input, message);
    return !message;
  }

  function renumber() {
    rows().forEach((row, index) => {
      row.querySelector(".paper-number").textContent = index + 1;
      cells(row).forEach((input) => {
        input.setAttribute("aria-label", `${text.row.replace("%s", index + 1)}, ${label(input.dataset.field)}`);
      });
    });
  }

  function addRow(values, key) {
    const row = document.createElement("tr");
    row.dataset.key = key || newKey();
    const number = document.createElement("td");
    number.className = "paper-number";
    row.appendChild(number);
    fields.forEach((field) => {
      const td = document.createElement("td");
      const input = document.createElement("input");
      input.className = "form-control form-control-sm";
      input.dataset.field = field;
      input.autocomplete = "off";
      input.spellcheck = false;
      if (scores.has(field) || field === "gender") {
        input.maxLength = 1;
      }
      if (scores.has(field) || ["service", "age", "education", "occupation"].includes(field)) {
        input.inputMode = "numeric";
      }
      if (field === "suggestion") {
        input.maxLength = config.suggestionMax;
      }
      input.value = (values && values[field]) || "";
      td.appendChild(input);
      row.appendChild(td);
    });
    const message = document.createElement("td");
    message.className = "paper-message";
    row.appendChild(message);
    body.appendChild(row);
    renumber();
    return row;
  }

  /* A new row takes the previous sheet's date and service: a stack of sheets mostly shares them. */
  function addRowAfterLast() {
    const last = rows().at(-1);
    return addRow(last ? {date: cell(last, "date").value, service: cell(last, "service").value}
      : {date: parseDate(config.today).shown});
  }

  function focus(input) {
    input.focus();
    input.select();
  }

  function move(input, step) {
    const all = Array.from(body.querySelectorAll("input[data-field]"));
    const index = all.indexOf(input) + step;
    if (index >= all.length) {
      // The new sheet carries the date and service over: typing goes on at its first answer, never over the date.
      focus(cell(addRowAfterLast(), FIRST_ANSWER));
      saveDraft();
    } else if (index >= 0) {
      focus(all[index]);
    }
  }

  function moveRow(input, step) {
    const list = rows();
    const target = list[list.indexOf(input.closest("tr")) + step];
    if (target) {
      focus(cell(target, input.dataset.field));
    }
  }

  function removeRow(input) {
    const row = input.closest("tr");
    const list = rows();
    const next = list[list.indexOf(row) + 1] || list[list.indexOf(row) - 1];
    row.remove();
    if (!next) {
      addRowAfterLast();
    }
    renumber();
    saveDraft();
    focus(cell(next || rows()[0], input.dataset.field));
  }

  function saveDraft() {
    const draft = rows().map((row) => {
      const values = {};
      cells(row).forEach((input) => {
        values[input.dataset.field] = input.value;
      });
      return {key: row.dataset.key, values};
    });
    try {
      window.localStorage.setItem(config.draftKey, JSON.stringify(draft));
    } catch (error) {
      // Storage full or disabled: the grid still works, only a reload would lose the rows.
    }
  }

  function loadDraft() {
    try {
      const draft = JSON.parse(window.localStorage.getItem(config.draftKey) || "[]");
      draft.forEach((row) => addRow(row.values, row.key));
    } catch (error) {
      window.localStorage.removeItem(config.draftKey);
    }
  }

  function say(message, kind) {
    status.textContent = message;
    status.className = kind ? `text-${kind}` : "";
  }

  function payload(row) {
    const values = {key: row.dataset.key};
    fields.forEach((field) => {
      values[field] = cell(row, field).value.trim();
    });
    const date = parseDate(values.date);
    if (date) {
      values.date = date.iso;
    }
    return values;
  }

  function showServerErrors(errors) {
    const byKey = new Map(rows().map((row) => [row.dataset.key, row]));
    errors.forEach((error) => {
      const row = byKey.get(error.key);
      if (!row) {
        return;
      }
      Object.entries(error.fields).forEach(([field, message]) => {
        const input = cell(row, field);
        if (input) {
          mark(input, message);
        } else {
          row.dataset.rowError = message;
          showRowMessages(row);
        }
      });
    });
  }

  async function save() {
    if (saving) {
      return;
    }
    const filled = rows().filter((row) => !isBlank(row));
    let first = null;
    filled.forEach((row) => {
      delete row.dataset.rowError;
      cells(row).forEach((input) => {
        if (!check(input) && !first) {
          first = input;
        }
      });
      if (config.elements.every((code) => !cell(row, code).value.trim())) {
        row.dataset.rowError = text.empty;
        first = first || cell(row, config.elements[0]);
      }
      showRowMessages(row);
    });
    if (first) {
      say(text.fix, "danger");
      focus(first);
      return;
    }
    if (!filled.length) {
      say(text.nothing, "warning");
      return;
    }
    saving = true;
    saveButton.disabled = true;
    say(text.saving, "secondary");
    try {
      await send(filled);
    } finally {
      saving = false;
      saveButton.disabled = false;
    }
  }

  async function send(filled) {
    let response;
    try {
      response = await fetch(config.saveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
        body: JSON.stringify({rows: filled.map(payload)}),
      });
    } catch (error) {
      say(text.offline, "danger");
      return;
    }
    let result = null;
    try {
      result = await response.json();
    } catch (error) {
      result = null;
    }
    if (response.ok && result) {
      const last = filled.at(-1);
      const carry = {date: cell(last, "date").value, service: cell(last, "service").value};
      filled.forEach((row) => row.remove());
      if (!rows().length) {
        addRow(carry);
      }
      renumber();
      saveDraft();
      todayCount.textContent = result.today;
      const parts = [text.saved.replace("%s", result.stored)];
      if (result.already) {
        parts.push(text.already.replace("%s", result.already));
      }
      say(parts.join(" "), "success");
      focus(cell(rows()[0], FIRST_ANSWER));
    } else if (response.status === 400 && result) {
      showServerErrors(result.errors || []);
      say(result.message, "danger");
    } else if (response.ok) {
      say(text.session, "danger");  // a login page came back instead of the answer
    } else {
      say(text.failed.replace("%s", response.status), "danger");
    }
  }

  body.addEventListener("focusin", (event) => {
    if (event.target.matches("input[data-field]")) {
      event.target.select();
    }
  });

  body.addEventListener("input", (event) => {
    const input = event.target;
    const field = input.dataset.field;
    saveDraft();
    if (scores.has(field) && input.closest("tr").dataset.rowError) {
      delete input.closest("tr").dataset.rowError;
      showRowMessages(input.closest("tr"));
    }
    if (complete(field, input.value)) {
      check(input);
      move(input, 1);
    } else if (scores.has(field) || field === "gender") {
      // One-key cells answer at once: a wrong key is shown right away, and the next key replaces it.
      check(input);
      input.select();
    } else if (input.dataset.error && !problem(field, input.value)) {
      mark(input, "");
    }
  });

  body.addEventListener("focusout", (event) => {
    if (event.target.matches("input[data-field]") && event.target.value.trim()) {
      check(event.target);
      saveDraft();
    }
  });

  body.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!input.matches("input[data-field]") || event.isComposing) {
      return;
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      return; // saving is handled on the form
    }
    if (event.key === "Enter") {
      event.preventDefault();
      if (event.shiftKey) {
        move(input, -1);
      } else if (check(input)) {
        move(input, 1);
      }
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      moveRow(input, event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Delete" && event.ctrlKey) {
      event.preventDefault();
      removeRow(input);
    }
  });

  form.addEventListener("keydown", (event) => {
    if ((event.key === "Enter" && (event.ctrlKey || event.metaKey)) || (event.key === "s" && event.ctrlKey)) {
      event.preventDefault();
      save();
    }
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });

  loadDraft();
  if (!rows().length) {
    addRowAfterLast();
  }
  focus(cells(rows()[0])[0]);
})();
