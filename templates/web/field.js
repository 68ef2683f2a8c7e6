// The on-site page's offline outbox (实地考评 where there is no signal).
//
// Every verdict set and every photo taken on the page goes first into an
// outbox in this browser (IndexedDB), with an id made here (a UUID) and
// the phone's time; the outbox is then sent in order when the network is
// there (on page open, when the browser says it is back online, and by
// the 立即上传 button). The server takes the id as the record's key: a
// record sent again (its answer lost) is acknowledged without a second
// copy; the same id with other content is refused (409) and shown as
// 被拒绝 with the server's reason, never overwritten. A record leaves the
// outbox only when the server has answered that it is stored (the log
// written and synced). A photo is sent by its SHA-256: the server is
// asked what it has, then the rest is sent in chunks, so a dropped
// connection resumes where it stopped.
//
// The outbox's schema is versioned (DB_VERSION); MIGRATIONS[v] takes a
// database from version v-1 to v and never drops a record. The service
// worker (/c/{id}/field-sw.js) keeps the pages for offline use; a new
// version of it is let in only when the outbox is empty.
(function () {
  "use strict";
  var box = document.getElementById("outbox");
  if (!box || !window.indexedDB) return;
  var community = box.dataset.community, user = box.dataset.user, csrf = box.dataset.csrf;
  var DB_NAME = "kaoping-field", DB_VERSION = 1, CHUNK = 512 * 1024;
  var MIGRATIONS = {
    // Version 1: one store of records keyed by their id, ordered by seq.
    1: function (db) {
      db.createObjectStore("outbox", { keyPath: "id" }).createIndex("seq", "seq");
    }
  };
  var sent = {};  // records acknowledged while this page is open: id → answer
  var capture = document.getElementById("capture");

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = function (e) {
        for (var v = e.oldVersion + 1; v <= DB_VERSION; v++) MIGRATIONS[v](req.result, req.transaction);
      };
      req.onsuccess = function () {
        var db = req.result;
        // A newer page wants to migrate: let it.
        db.onversionchange = function () { db.close(); };
        resolve(db);
      };
      req.onerror = function () { reject(req.error); };
      req.onblocked = function () { reject(new Error("本机记录库被另一个页面占用，请关闭其他实地考评页面后刷新")); };
    });
  }

  // One transaction on a fresh connection, closed after: a phone that
  // closed the database in the background (iOS) does not break the next.
  function tx(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction("outbox", mode), out;
        var store = t.objectStore("outbox");
        Promise.resolve(work(store, function (v) { out = v; })).catch(reject);
        t.oncomplete = function () { db.close(); resolve(out); };
        t.onerror = t.onabort = function () { db.close(); reject(t.error || new Error("本机记录库写入失败")); };
      });
    });
  }
  function all() {
    return tx("readonly", function (s, done) {
      var r = s.index("seq").getAll();
      r.onsuccess = function () { done(r.result); };
    });
  }
  function put(rec) { return tx("readwrite", function (s) { s.put(rec); }); }
  function remove(id) { return tx("readwrite", function (s) { s.delete(id); }); }
  function mine(rec) { return rec.user === user; }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function hex(buf) {
    return Array.prototype.map.call(new Uint8Array(buf), function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }
  function newRecord(fields) {
    var rec = { id: uuid(), seq: Date.now() + Math.random(), community: community, user: user,
      phone_time: new Date().toISOString(), state: "待上传", reason: "" };
    Object.keys(fields).forEach(function (k) { rec[k] = fields[k]; });
    return rec;
  }
  // What the server is sent: the record without the page's bookkeeping.
  function wire(rec) {
    var w = { id: rec.id, phone_time: rec.phone_time, point: rec.point, kind: rec.kind };
    if (rec.kind === "照片") { w.standard = rec.standard; w.sha256 = rec.sha256; w.name = rec.name; }
    else { w.date = rec.date; w.findings = rec.findings; }
    return w;
  }
  function label(rec) {
    return rec.kind === "照片"
      ? "照片 " + rec.point + " " + rec.standard + " " + rec.name
      : "考评结论 " + rec.point + "（" + rec.findings.length + " 条标准，" + rec.date + "）";
  }

  // --- what the page shows -------------------------------------------
  var countEl = document.getElementById("outbox-count");
  var listEl = document.getElementById("outbox-list");
  var stateEl = document.getElementById("sync-state");
  function say(text) { stateEl.textContent = text; }

  function render() {
    return all().then(function (recs) {
      recs = recs.filter(mine);
      var waiting = recs.filter(function (r) { return r.state === "待上传"; }).length;
      var refused = recs.length - waiting;
      countEl.textContent = waiting + " 条待上传" + (refused ? "，" + refused + " 条被拒绝" : "");
      box.dataset.waiting = String(waiting);
      listEl.textContent = "";
      recs.forEach(function (r) {
        var li = document.createElement("li");
        li.dataset.id = r.id;
        li.dataset.state = r.state;
        li.textContent = "【" + r.state + "】" + label(r) + (r.reason ? "：" + r.reason : "");
        listEl.appendChild(li);
      });
      Object.keys(sent).forEach(function (id) {
        var li = document.createElement("li");
        li.dataset.id = id;
        li.dataset.state = "已上传";
        li.textContent = "【已上传】" + sent[id].label + "（" + sent[id].outcome + "）";
        listEl.appendChild(li);
      });
      renderPhotos(recs);
      return recs;
    });
  }

  // Photos of this point still in the outbox, listed under their standard.
  function renderPhotos(recs) {
    if (!capture) return;
    document.querySelectorAll("li.photo-waiting").forEach(function (li) { li.remove(); });
    recs.forEach(function (r) {
      if (r.kind !== "照片" || r.community !== community || r.point !== capture.dataset.point) return;
      var set = document.querySelector('fieldset[data-standard="' + r.standard + '"] .photos');
      if (!set) return;
      var li = document.createElement("li");
      li.className = "photo-waiting" + (r.state === "被拒绝" ? " error" : "");
      li.textContent = r.name + "：" + r.state + (r.reason ? "（" + r.reason + "）" : "（联网后自动上传）");
      set.appendChild(li);
    });
  }

  function showPhoto(rec, p, outcome) {
    var set = document.querySelector('fieldset[data-standard="' + rec.standard + '"] .photos');
    if (!set || !p || rec.point !== (capture && capture.dataset.point)) return;
    var li = document.createElement("li");
    li.className = "photo-ok";
    li.textContent = (outcome === "已有相同照片" ? "已有相同照片 " : "已保存照片 ") + p.short + "（" + p.name + "，拍摄 " + p.taken + "）";
    var img = document.createElement("img");
    img.src = "/c/" + encodeURIComponent(rec.community) + "/field/photo/" + p.sha + "?thumb=1";
    img.alt = "照片 " + p.short;
    img.width = 160;
    li.insertBefore(img, li.firstChild);
    p.flags.forEach(function (f) { var s = document.createElement("strong"); s.className = "flag"; s.textContent = " ⚠ " + f; li.appendChild(s); });
    set.appendChild(li);
  }

  // --- sending --------------------------------------------------------
  // An answer: {ok} stored; {refused} the server said no (kept, shown);
  // {later} try again later (no network, signed out, server trouble).
  function answer(res) {
    var type = res.headers.get("Content-Type") || "";
    if (res.redirected || type.indexOf("application/json") < 0) {
      return { later: "登录已过期或服务器暂时不可用，请重新登录后再上传（记录仍在本机）" };
    }
    return res.json().then(function (j) {
      if (res.ok && j.ok !== false) return { ok: j };
      var why = j.error || ("服务器答复 " + res.status);
      if (res.status >= 500 || why.indexOf("CSRF") >= 0) return { later: why };
      return { refused: why };
    });
  }
  function base(rec) { return "/c/" + encodeURIComponent(rec.community) + "/field/"; }
  function headers(extra) {
    var h = { "X-CSRF-Token": csrf, "Accept": "application/json" };
    Object.keys(extra || {}).forEach(function (k) { h[k] = extra[k]; });
    return h;
  }

  // Sends a photo's bytes: asks what the server has, then the rest.
  function upload(rec) {
    var data = rec.data, total = data.byteLength;
    function step(state) {
      if (state.have) return Promise.resolve({ ok: state });
      var from = state.offset, to = Math.min(total, from + CHUNK);
      return fetch(base(rec) + "chunk/" + rec.sha256 + "?offset=" + from + "&total=" + total, {
        method: "POST", credentials: "same-origin", headers: headers({ "Content-Type": "application/octet-stream" }),
        body: data.slice(from, to)
      }).then(answer).then(function (a) { return a.ok ? step(a.ok) : a; });
    }
    return fetch(base(rec) + "blob/" + rec.sha256, { credentials: "same-origin", headers: headers() })
      .then(answer).then(function (a) { return a.ok ? step(a.ok) : a; });
  }

  function send(rec) {
    var first = rec.kind === "照片" ? upload(rec) : Promise.resolve({ ok: true });
    return first.then(function (a) {
      if (!a.ok) return a;
      return fetch(base(rec) + "sync", {
        method: "POST", credentials: "same-origin", headers: headers({ "Content-Type": "application/json" }),
        body: JSON.stringify(wire(rec))
      }).then(answer);
    });
  }

  var running = null;
  // Sends the waiting records in order; stops at the first that must wait.
  function sync() {
    if (running) return running;
    running = all().then(function (recs) {
      var queue = recs.filter(function (r) { return mine(r) && r.state === "待上传"; });
      if (!queue.length) { say("没有待上传的记录。"); return; }
      say("正在上传 " + queue.length + " 条记录……");
      var chain = Promise.resolve(true);
      queue.forEach(function (rec) {
        chain = chain.then(function (go) {
          if (!go) return false;
          return send(rec).catch(function () { return { later: "网络不通" }; }).then(function (a) {
            if (a.ok) {
              sent[rec.id] = { label: label(rec), outcome: a.ok.outcome || "已保存" };
              return remove(rec.id).then(function () {
                if (rec.kind === "照片") showPhoto(rec, a.ok.photo, a.ok.outcome);
                else visitDone(rec);
                return true;
              });
            }
            if (a.refused) { rec.state = "被拒绝"; rec.reason = a.refused; return put(rec).then(function () { return true; }); }
            say("暂时无法上传（" + a.later + "），记录保存在本机，联网后自动上传。");
            return false;
          });
        });
      });
      return chain.then(function (done) { if (done) say("上传完毕（" + new Date().toLocaleTimeString() + "）。"); });
    }).then(render, function (e) { say("本机记录库出错：" + e.message); })
      .then(offerUpdate).then(function () { running = null; }, function () { running = null; });
    return running;
  }

  // --- recording on the page ------------------------------------------
  function visitDone(rec) {
    var state = document.getElementById("draft-state");
    if (state && capture && rec.point === capture.dataset.point) state.textContent = "本点位考评已完成并保存。";
  }

  function capturePhotos() {
    document.querySelectorAll(".photo-input").forEach(function (input) {
      input.addEventListener("change", function () {
        var f = input.form, files = Array.prototype.slice.call(input.files);
        var jobs = files.map(function (file) {
          return file.arrayBuffer().then(function (buf) {
            return crypto.subtle.digest("SHA-256", buf).then(function (d) {
              return put(newRecord({ kind: "照片", point: f.elements.point.value, standard: f.elements.standard.value,
                name: file.name, sha256: hex(d), size: buf.byteLength, data: buf }));
            });
          });
        });
        input.value = "";
        Promise.all(jobs).then(render).then(sync, function (e) { say("照片没有存入本机：" + e.message); });
      });
    });
  }

  function captureVisit() {
    var form = document.getElementById("finish-form");
    if (!form || !capture) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var findings = [];
      document.querySelectorAll("fieldset.standard").forEach(function (fs) {
        var key = fs.dataset.standard;
        var chosen = document.querySelector('input[form=finish-form][name="v:' + key + '"]:checked');
        if (!chosen) return;
        var remark = document.querySelector('textarea[form=finish-form][name="r:' + key + '"]');
        findings.push({ standard: key, verdict: chosen.value, remark: remark ? remark.value : "" });
      });
      var state = document.getElementById("draft-state");
      if (!findings.length) { state.textContent = "请至少填写一条标准的结论。"; return; }
      var rec = newRecord({ kind: "考评结论", point: capture.dataset.point, date: form.elements.date.value, findings: findings });
      put(rec).then(function () {
        localStorage.removeItem("kaoping-field:" + community + ":" + capture.dataset.point + ":" + user);
        state.textContent = "本点位的结论已存入本机的待上传记录，联网后自动上传。";
        return render();
      }).then(sync, function (e) { state.textContent = "结论没有存入本机：" + e.message; });
    });
  }

  // --- last resort: the outbox as one file ----------------------------
  function base64(buf) {
    var bytes = new Uint8Array(buf), out = "";
    for (var i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(out);
  }
  function exportOutbox() {
    all().then(function (recs) {
      var file = { format: "kaoping-outbox", version: 1, exported: new Date().toISOString(),
        records: recs.filter(mine).map(function (r) {
          var w = wire(r);
          w.community = r.community;
          if (r.kind === "照片") w.photo_base64 = base64(r.data);
          return w;
        }) };
      var a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([JSON.stringify(file)], { type: "application/json" }));
      var t = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
      a.download = "待上传记录-" + user + "-" + t + ".json";
      document.body.appendChild(a);
      a.click();
      a.remove();
      say("已导出 " + file.records.length + " 条记录。请把文件交给考评办公室用 kaoping field import-outbox 导入。");
    });
  }

  // --- storage, network, service worker -------------------------------
  function askPersist() {
    var el = document.getElementById("persist-state");
    if (!navigator.storage || !navigator.storage.persist) {
      el.textContent = "⚠ 本浏览器不支持长期保存本机数据：清除浏览器数据会丢失待上传记录，请尽快上传或导出。";
      el.className = "warn";
      return;
    }
    navigator.storage.persist().then(function (granted) {
      el.textContent = granted
        ? "浏览器已同意长期保存本机的待上传记录。"
        : "⚠ 浏览器没有同意长期保存本机数据：清除浏览器数据（或浏览器自动清理空间）会丢失待上传记录，请尽快联网上传，或先“导出待上传记录”。";
      el.className = granted ? "hint" : "warn";
      el.dataset.granted = String(granted);
    });
  }

  function showNetwork() {
    var fetched = document.getElementById("fetched");
    var offline = fetched.dataset.served === "cache" || !navigator.onLine;
    fetched.textContent = (offline ? "当前离线：显示的是 " : "本页数据获取于 ") + fetched.dataset.at + (offline ? " 获取的数据。" : "。");
    fetched.className = offline ? "warn" : "hint";
  }

  var registration = null;
  // A waiting new version takes over only once the outbox is empty.
  function offerUpdate() {
    if (!registration || !registration.waiting) return;
    var note = document.getElementById("update-state");
    if (box.dataset.waiting === "0" && !document.querySelector('#outbox-list [data-state="被拒绝"]')) {
      registration.waiting.postMessage({ type: "skip-waiting" });
      note.textContent = "页面已更新，下次打开时使用新版本。";
    } else {
      note.textContent = "页面有新版本，待上传记录全部上传（或处理被拒绝的记录）后再启用。";
    }
  }

  function startWorker() {
    if (!("serviceWorker" in navigator) || !box.dataset.worker) return;
    navigator.serviceWorker.register(box.dataset.worker).then(function (reg) {
      registration = reg;
      reg.addEventListener("updatefound", function () {
        var w = reg.installing;
        if (w) w.addEventListener("statechange", function () { if (w.state === "installed") offerUpdate(); });
      });
      offerUpdate();
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      if (!navigator.onLine || !reg.active) return;
      var urls = [location.pathname + location.search];
      document.querySelectorAll("a.point-link").forEach(function (a) { urls.push(a.getAttribute("href")); });
      urls.push("/c/" + encodeURIComponent(community) + "/field");
      reg.active.postMessage({ type: "precache", urls: urls });
    }).catch(function (e) {
      document.getElementById("update-state").textContent = "离线功能没有启用：" + e.message;
    });
  }

  document.getElementById("sync-now").addEventListener("click", function () { sync(); });
  document.getElementById("export-outbox").addEventListener("click", exportOutbox);
  window.addEventListener("online", function () { showNetwork(); sync(); });
  window.addEventListener("offline", showNetwork);
  capturePhotos();
  captureVisit();
  showNetwork();
  askPersist();
  startWorker();
  render().then(sync);
})();
