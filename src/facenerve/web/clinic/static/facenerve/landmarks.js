// Landmark correction: a zoomable, pannable photo with draggable handles (mouse, touch, arrow keys).
// Plain JavaScript, no dependencies. Moves are posted as {"handle id": [x, y]} in image pixels.
(function () {
  "use strict";
  var viewer = document.getElementById("lm-viewer");
  var data = document.getElementById("lm-data");
  if (!viewer || !data) { return; }
  var SVG = "http://www.w3.org/2000/svg";
  var width = Number(viewer.dataset.width), height = Number(viewer.dataset.height);
  var stage = viewer.querySelector(".lm-stage");
  var svg = viewer.querySelector("svg.lm-handles");
  var movesField = document.getElementById("lm-moves");
  var status = document.querySelector(".lm-status");
  var handles = JSON.parse(data.textContent);
  var moves = {};
  var zoom = 1, fit = 1, panX = 0, panY = 0;
  var HANDLE_RADIUS_PX = 5;  // on screen, at every zoom and photo size

  function layout() {
    // "Fit" shows the whole photo: as wide as the viewer, unless that would be taller than 80% of the window.
    fit = Math.min(viewer.clientWidth / width, window.innerHeight * 0.8 / height);
    stage.style.width = width + "px";
    stage.style.height = height + "px";
    stage.style.transform = "translate(" + panX + "px," + panY + "px) scale(" + fit * zoom + ")";
    viewer.style.height = height * fit + "px";
    var r = HANDLE_RADIUS_PX / Math.max(fit * zoom, 0.001);  // a hidden viewer has no width yet
    svg.querySelectorAll("circle").forEach(function (c) { c.setAttribute("r", r); });
  }

  function say(text) { if (status) { status.textContent = text; } }

  function place(handle, x, y) {
    handle.x = Math.min(Math.max(x, 0), width);
    handle.y = Math.min(Math.max(y, 0), height);
    handle.el.setAttribute("cx", handle.x);
    handle.el.setAttribute("cy", handle.y);
    handle.el.setAttribute("aria-label", handle.label + ": x " + handle.x.toFixed(1) + ", y " + handle.y.toFixed(1));
    moves[handle.id] = [Math.round(handle.x * 100) / 100, Math.round(handle.y * 100) / 100];
    movesField.value = JSON.stringify(moves);
    var row = document.querySelector('tr[data-handle="' + handle.id + '"]');
    if (row) { row.querySelector(".x").textContent = handle.x.toFixed(2); row.querySelector(".y").textContent = handle.y.toFixed(2); }
    handle.el.classList.add("moved");
  }

  function imagePoint(event) {
    var point = svg.createSVGPoint();
    point.x = event.clientX; point.y = event.clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  }

  // Drag a handle from where the pointer went down; it keeps its offset from the finger, so a touch beside a
  // handle (a finger covers it) moves it without a jump.
  function drag(handle, event) {
    var c = handle.el;
    event.preventDefault(); event.stopPropagation();
    c.setPointerCapture(event.pointerId);
    c.focus({preventScroll: true});
    var start = imagePoint(event), dx = handle.x - start.x, dy = handle.y - start.y;
    function move(e) { var p = imagePoint(e); place(handle, p.x + dx, p.y + dy); }
    function up() {
      c.removeEventListener("pointermove", move); c.removeEventListener("pointerup", up);
      c.removeEventListener("pointercancel", up);
      say(handle.label + " moved");
    }
    c.addEventListener("pointermove", move); c.addEventListener("pointerup", up); c.addEventListener("pointercancel", up);
  }

  // The handle within reach of a finger or pen (CSS pixels on the screen), else null: handles are drawn small.
  var REACH = 24;
  function nearestHandle(event) {
    var m = svg.getScreenCTM(), best = null, bestDistance = REACH;
    handles.forEach(function (handle) {
      var sx = m.a * handle.x + m.c * handle.y + m.e, sy = m.b * handle.x + m.d * handle.y + m.f;
      var d = Math.hypot(sx - event.clientX, sy - event.clientY);
      if (d <= bestDistance) { best = handle; bestDistance = d; }
    });
    return best;
  }

  handles.forEach(function (handle) {
    var c = document.createElementNS(SVG, "circle");
    c.setAttribute("cx", handle.x); c.setAttribute("cy", handle.y); c.setAttribute("r", HANDLE_RADIUS_PX);
    c.setAttribute("class", "lm-handle" + (handle.id.indexOf(".") < 0 ? " midline" : ""));
    c.setAttribute("tabindex", "0");
    c.setAttribute("role", "button");
    c.setAttribute("data-handle", handle.id);
    c.setAttribute("aria-label", handle.label + ": x " + handle.x.toFixed(1) + ", y " + handle.y.toFixed(1));
    var title = document.createElementNS(SVG, "title");
    title.textContent = handle.label;
    c.appendChild(title);
    handle.el = c;
    svg.appendChild(c);
    c.addEventListener("pointerdown", function (event) { drag(handle, event); });
    c.addEventListener("keydown", function (event) {
      var step = (event.shiftKey ? 10 : 1);
      var dx = {ArrowLeft: -step, ArrowRight: step}[event.key] || 0;
      var dy = {ArrowUp: -step, ArrowDown: step}[event.key] || 0;
      if (dx || dy) { event.preventDefault(); place(handle, handle.x + dx, handle.y + dy); say(c.getAttribute("aria-label")); }
    });
  });

  function zoomBy(factor, cx, cy) {
    var next = Math.min(Math.max(zoom * factor, 1), 12);
    if (cx === undefined) { cx = viewer.clientWidth / 2; cy = viewer.clientHeight / 2; }
    panX = cx - (cx - panX) * next / zoom; panY = cy - (cy - panY) * next / zoom;
    zoom = next;
    if (zoom === 1) { panX = 0; panY = 0; }
    layout();
    say("zoom " + zoom.toFixed(1) + "×");
  }

  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var kind = button.getAttribute("data-zoom");
      if (kind === "in") { zoomBy(1.5); } else if (kind === "out") { zoomBy(1 / 1.5); } else { zoom = 1; panX = 0; panY = 0; layout(); }
    });
  });
  viewer.addEventListener("wheel", function (event) {
    event.preventDefault();
    var box = viewer.getBoundingClientRect();
    zoomBy(event.deltaY < 0 ? 1.2 : 1 / 1.2, event.clientX - box.left, event.clientY - box.top);
  }, {passive: false});
  document.addEventListener("keydown", function (event) {
    if (event.target && (event.target.tagName === "INPUT" || event.target.tagName === "TEXTAREA")) { return; }
    if (event.key === "+" || event.key === "=") { zoomBy(1.5); } else if (event.key === "-") { zoomBy(1 / 1.5); }
  });
  viewer.addEventListener("pointerdown", function (event) {
    if (event.target.tagName === "circle") { return; }
    var near = event.pointerType === "mouse" ? null : nearestHandle(event);
    if (near) { drag(near, event); return; }
    var startX = event.clientX - panX, startY = event.clientY - panY;
    viewer.setPointerCapture(event.pointerId);
    function move(e) { panX = e.clientX - startX; panY = e.clientY - startY; layout(); }
    function up() { viewer.removeEventListener("pointermove", move); viewer.removeEventListener("pointerup", up); }
    viewer.addEventListener("pointermove", move); viewer.addEventListener("pointerup", up);
  });
  window.addEventListener("resize", layout);
  layout();
}());
