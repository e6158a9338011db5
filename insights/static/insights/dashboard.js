/* The live part of the operations dashboard: polls its JSON endpoint and ticks the response SLO
 * countdowns every second. No framework, no inline script (the CSP forbids it). */
(function () {
  "use strict";
  var root = document.getElementById("ops-dashboard");
  if (!root || !window.fetch) {
    return;
  }
  var interval = (parseInt(root.dataset.interval, 10) || 15) * 1000;
  var offset = 0; // server clock minus this browser's clock, in ms

  function syncClock(serverNow) {
    var parsed = Date.parse(serverNow);
    if (!isNaN(parsed)) {
      offset = parsed - Date.now();
    }
  }

  function pad(value) {
    return value < 10 ? "0" + value : String(value);
  }

  function duration(seconds) {
    seconds = Math.abs(seconds);
    var hours = Math.floor(seconds / 3600);
    var rest = seconds % 3600;
    return hours + ":" + pad(Math.floor(rest / 60)) + ":" + pad(rest % 60);
  }

  function setText(selector, value) {
    var node = root.querySelector(selector);
    if (node) {
      node.textContent = String(value);
    }
  }

  function tick() {
    var now = Date.now() + offset;
    var breached = 0;
    root.querySelectorAll("[data-due]").forEach(function (cell) {
      var left = Math.floor((Date.parse(cell.dataset.due) - now) / 1000);
      var template = left > 0 ? root.dataset.left : root.dataset.overdue;
      cell.textContent = template.replace("%(time)s", duration(left));
      cell.classList.toggle("ops-overdue", left <= 0);
      cell.classList.toggle("ops-soon", left > 0 && left < 30 * 60);
      if (left <= 0) {
        breached += 1;
      }
    });
    setText('[data-figure="breached"]', breached);
    var box = root.querySelector('[data-figure-box="breached"]');
    if (box) {
      box.classList.toggle("ops-alert", breached > 0);
    }
  }

  function cell(text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) {
      td.className = className;
    }
    return td;
  }

  function awaitingRow(item) {
    var tr = document.createElement("tr");
    var keyCell = document.createElement("td");
    var link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.key;
    keyCell.appendChild(link);
    tr.appendChild(keyCell);
    var sevCell = document.createElement("td");
    var badge = document.createElement("span");
    badge.className = "ops-sev ops-sev-" + item.severity;
    badge.textContent = item.severity_label;
    sevCell.appendChild(badge);
    tr.appendChild(sevCell);
    tr.appendChild(cell(item.customer));
    tr.appendChild(cell(item.summary));
    tr.appendChild(cell(item.reported_local));
    tr.appendChild(cell(item.due_local));
    var countdown = cell("", "ops-countdown");
    countdown.dataset.due = item.due_at;
    tr.appendChild(countdown);
    return tr;
  }

  function renderAwaiting(awaiting) {
    var body = document.getElementById("ops-awaiting-rows");
    if (!body) {
      return;
    }
    var rows = awaiting.items.map(awaitingRow);
    if (!rows.length) {
      var empty = document.createElement("tr");
      empty.className = "ops-empty-row";
      var td = cell(root.dataset.empty);
      td.colSpan = 7;
      empty.appendChild(td);
      rows = [empty];
    }
    body.replaceChildren.apply(body, rows);
    setText('[data-figure="awaiting"]', awaiting.total);
  }

  function renderOpen(open) {
    open.rows.forEach(function (row) {
      row.counts.forEach(function (count, index) {
        setText('[data-cell="' + row.severity + "-" + index + '"]', count);
      });
      setText('[data-cell="' + row.severity + '-total"]', row.total);
    });
    Object.keys(open.by_status).forEach(function (status, index) {
      setText('[data-cell="all-' + index + '"]', open.by_status[status]);
    });
    setText('[data-cell="all-total"]', open.total);
    setText('[data-figure="open"]', open.total);
  }

  function render(data) {
    syncClock(data.now);
    renderOpen(data.open);
    renderAwaiting(data.awaiting);
    var stamp = document.getElementById("ops-updated");
    if (stamp) {
      stamp.dateTime = data.now;
      stamp.textContent = new Date(Date.now()).toTimeString().slice(0, 8);
    }
    root.classList.remove("ops-stale");
    tick();
  }

  function poll() {
    fetch(root.dataset.liveUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json(); // a login page after the session ended is no JSON: stale
      })
      .then(render)
      .catch(function () {
        root.classList.add("ops-stale");
      });
  }

  syncClock(root.dataset.now);
  tick();
  window.setInterval(tick, 1000);
  window.setInterval(poll, interval);
})();
