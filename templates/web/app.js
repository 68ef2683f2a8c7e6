// kaoping: uploads with a progress bar. Each file of a chosen folder is
// sent with its path inside the folder; the page works without this
// script too (then the browser posts the form as it is).
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) return;
  var folder = document.getElementById("folder-input");
  var zip = document.getElementById("zip-input");
  var box = document.getElementById("upload-progress");
  var bar = document.getElementById("upload-bar");
  var status = document.getElementById("upload-status");
  var errorBox = document.getElementById("upload-error");
  var button = document.getElementById("upload-submit");
  var maxBytes = Number(form.dataset.maxMb) * 1024 * 1024;
  var maxFiles = Number(form.dataset.maxFiles);

  function fail(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    button.disabled = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    var data = new FormData();
    // The server checks the token before it accepts any file.
    data.append("csrf", form.elements.csrf.value);
    data.append("submitter", form.elements.submitter.value);
    if (form.elements.allow_identical && form.elements.allow_identical.checked) {
      data.append("allow_identical", "1");
    }
    var total = 0, count = 0, i, f;
    if (zip.files.length > 0) {
      f = zip.files[0];
      data.append("zip", f, f.name);
      total = f.size; count = 1;
    } else {
      for (i = 0; i < folder.files.length; i++) {
        f = folder.files[i];
        data.append("path", f.webkitRelativePath || f.name);
        data.append("file", f, f.name);
        total += f.size; count++;
      }
    }
    if (count === 0) { fail("请先选择材料文件夹或 ZIP 压缩包。"); return; }
    if (total > maxBytes || count > maxFiles) {
      fail("所选材料共 " + count + " 个文件、" + (total / 1048576).toFixed(1) + " MB，超过每次最多 " +
        form.dataset.maxMb + " MB、" + maxFiles + " 个文件的上限。请分批提交。");
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "kaoping");
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      var p = Math.floor(e.loaded * 100 / e.total);
      bar.value = p;
      status.textContent = "正在上传 " + p + "%（" + (e.loaded / 1048576).toFixed(1) + " / " + (e.total / 1048576).toFixed(1) + " MB）";
    };
    xhr.upload.onload = function () {
      bar.removeAttribute("value");
      status.textContent = "上传完成，正在核对哈希并保存……";
    };
    xhr.onload = function () {
      var answer;
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
      if (answer && answer.ok) { window.location.href = answer.redirect; return; }
      box.hidden = true;
      fail(answer && answer.error ? answer.error : "上传失败（HTTP " + xhr.status + "），没有保存任何文件。");
    };
    xhr.onerror = function () { box.hidden = true; fail("网络中断，上传没有完成，没有保存任何文件。请重试。"); };
    box.hidden = false;
    bar.value = 0;
    button.disabled = true;
    status.textContent = "准备上传 " + count + " 个文件……";
    xhr.send(data);
  });
})();

// kaoping: a sheet filled on the page keeps what was typed in this
// browser's local storage, so a reload or a dropped connection loses
// nothing; the server never depends on it.
(function () {
  "use strict";
  var form = document.getElementById("fill-form");
  if (!form || !window.localStorage) return;
  var key = "kaoping:" + form.dataset.draft;
  var fields = form.querySelectorAll("select, input[name^=r], input[name=assessor], input[name=date]");
  try {
    var saved = JSON.parse(localStorage.getItem(key) || "{}");
    fields.forEach(function (f) { if (saved[f.name] !== undefined) f.value = saved[f.name]; });
  } catch (e) { /* a damaged draft is ignored */ }
  form.addEventListener("input", function () {
    var data = {};
    fields.forEach(function (f) { data[f.name] = f.value; });
    localStorage.setItem(key, JSON.stringify(data));
  });
})();

// Paper entry: Enter moves to the next field; on the last one it saves.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) return;
  var fields = Array.prototype.slice.call(form.querySelectorAll("input:not([type=hidden])"));
  fields.forEach(function (input, i) {
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      if (i + 1 < fields.length) {
        fields[i + 1].focus();
        fields[i + 1].select();
      } else {
        form.submit();
      }
    });
  });
})();

// The on-site page (实地考评): verdicts and remarks are kept as a draft in
// this browser until the point is finished (then the outbox of
// /static/field.js holds them until the server has them; photos go
// straight into that outbox).
(function () {
  "use strict";
  var box = document.getElementById("capture");
  var form = document.getElementById("finish-form");
  if (!box || !form) return;
  var key = "kaoping-field:" + box.dataset.community + ":" + box.dataset.point + ":" + box.dataset.user;
  var state = document.getElementById("draft-state");
  if (location.search.indexOf("done=1") >= 0) { localStorage.removeItem(key); state.textContent = "本点位考评已完成并保存。"; }
  function fields() { return document.querySelectorAll("[form=finish-form]"); }
  function save() {
    var d = {};
    fields().forEach(function (el) {
      if (el.type === "radio") { if (el.checked) d[el.name] = el.value; }
      else d[el.name] = el.value;
    });
    localStorage.setItem(key, JSON.stringify(d));
    state.textContent = "草稿已保存在本机（" + new Date().toLocaleTimeString() + "）";
  }
  var saved = localStorage.getItem(key);
  if (saved) {
    try {
      var d = JSON.parse(saved);
      fields().forEach(function (el) {
        if (!(el.name in d)) return;
        if (el.type === "radio") el.checked = (d[el.name] === el.value);
        else el.value = d[el.name];
      });
      state.textContent = "已恢复未完成的草稿。";
    } catch (e) { localStorage.removeItem(key); }
  }
  fields().forEach(function (el) { el.addEventListener("change", save); el.addEventListener("input", save); });
})();
