(function () {
  'use strict';
  var started = performance.now();
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var n = data.n;
  var NOISE = '#9aa0a8';
  var UNLABELLED = '#c4c8ce';

  // ---- colours: twelve hand-picked, well-separated ones first, then hues spread by the golden angle ----
  var FIRST = ['#1f6fb4', '#e8710a', '#2a9d3a', '#d62f3a', '#8350b8', '#8c5a3c', '#e052a8', '#9aa31c', '#17a9bd', '#0b3d91', '#f2b134', '#5fd08a'];
  function categoryColour(i) {
    if (i < FIRST.length) return FIRST[i];
    var hue = (i * 137.508 + 215) % 360;
    var light = [46, 60, 36][i % 3];
    var sat = [68, 62, 72][Math.floor(i / 3) % 3];
    return 'hsl(' + hue.toFixed(1) + ',' + sat + '%,' + light + '%)';
  }
  var clusterColours = data.clusters.map(function (c, i) { return c.noise ? NOISE : categoryColour(i); });
  var labelColours = data.labels.map(function (l, i) { return categoryColour(i); });
  var hasLabels = data.labels.length > 0;

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function clusterName(k) { return data.clusters[k].noise ? 'noise' : 'cluster ' + data.clusters[k].id; }
  function formatNumber(v) {
    if (typeof v !== 'number') return String(v);
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3);
  }

  // ---- summary ----
  var noiseCount = data.clusters.filter(function (c) { return c.noise; }).reduce(function (s, c) { return s + c.size; }, 0);
  var realClusters = data.clusters.filter(function (c) { return !c.noise; }).length;
  var summary = [n.toLocaleString('en-US') + ' clips', realClusters + ' clusters'];
  if (noiseCount > 0) summary.push(noiseCount + ' noise points');
  if (hasLabels) summary.push(data.labels.length + ' labels');
  summary.push(data.audioNote);
  document.getElementById('summary').textContent = summary.join(' \u00b7 ');
  document.getElementById('generated').textContent = data.generated;
  document.getElementById('map-note').textContent =
    'Positions: ' + data.map + '. Hover a point for its clip, click to play it; scroll to zoom, drag to pan; click a legend entry to pick out one group.';

  // ---- map ----
  var canvas = document.getElementById('map');
  var overlay = document.getElementById('map-overlay');
  var ctx = canvas.getContext('2d');
  var octx = overlay.getContext('2d');
  var tooltip = document.getElementById('tooltip');
  var player = document.getElementById('player');
  var nowPlaying = document.getElementById('now-playing');
  var mode = 'cluster';
  var focus = -1;          // category picked out in the legend, -1 for none
  var hovered = -1;
  var width = 0, height = 0;
  var view = { scale: 1, dx: 0, dy: 0 };
  var sx = new Float32Array(n), sy = new Float32Array(n);
  var maxX = 0, maxY = 0;
  for (var i = 0; i < n; i++) { if (data.x[i] > maxX) maxX = data.x[i]; if (data.y[i] > maxY) maxY = data.y[i]; }

  // Points grouped by category, so that each colour is set once per draw.
  function groups(codes, count) {
    var lists = [];
    for (var k = 0; k <= count; k++) lists.push([]);
    for (var i = 0; i < n; i++) lists[codes[i] < 0 ? count : codes[i]].push(i);
    return lists;
  }
  var byCluster = groups(data.cluster, data.clusters.length);
  var byLabel = groups(data.label, data.labels.length);

  function category(i) { return mode === 'cluster' ? data.cluster[i] : data.label[i]; }
  function colourOf(k) {
    if (mode === 'cluster') return clusterColours[k];
    return k < 0 || k >= labelColours.length ? UNLABELLED : labelColours[k];
  }
  function radius() {
    var base = n > 5000 ? 2 : n > 1000 ? 2.6 : 4;
    return Math.min(9, base * Math.sqrt(view.scale));
  }

  function resize() {
    var box = document.getElementById('map-box');
    width = Math.max(200, box.clientWidth);
    height = Math.max(320, Math.min(480, Math.round(width * 0.5)));
    var ratio = window.devicePixelRatio || 1;
    [canvas, overlay].forEach(function (c) {
      c.style.width = width + 'px';
      c.style.height = height + 'px';
      c.width = Math.round(width * ratio);
      c.height = Math.round(height * ratio);
      c.getContext('2d').setTransform(ratio, 0, 0, ratio, 0, 0);
    });
  }

  // Data in [0, maxX] x [0, maxY], fitted into the canvas with equal scales on both axes.
  function project() {
    var pad = 18;
    var fit = Math.min((width - 2 * pad) / Math.max(maxX, 1e-9), (height - 2 * pad) / Math.max(maxY, 1e-9));
    if (!isFinite(fit)) fit = 1;
    var ox = (width - maxX * fit) / 2, oy = (height - maxY * fit) / 2;
    for (var i = 0; i < n; i++) {
      sx[i] = (ox + data.x[i] * fit) * view.scale + view.dx;
      sy[i] = (height - oy - data.y[i] * fit) * view.scale + view.dy;   // y grows upwards
    }
  }

  // A coarse grid of the points on screen: hover looks only at the cells around the cursor.
  var CELL = 14;
  var grid = new Map();
  function buildGrid() {
    grid.clear();
    var cols = Math.ceil(width / CELL) + 1;
    for (var i = 0; i < n; i++) {
      if (sx[i] < -CELL || sy[i] < -CELL || sx[i] > width + CELL || sy[i] > height + CELL) continue;
      var key = Math.floor(sy[i] / CELL) * cols + Math.floor(sx[i] / CELL);
      var list = grid.get(key);
      if (list) list.push(i); else grid.set(key, [i]);
    }
    grid.cols = cols;
  }
  function nearest(mx, my) {
    var best = -1, bestD = Math.pow(Math.max(7, radius() + 3), 2);
    var cx = Math.floor(mx / CELL), cy = Math.floor(my / CELL);
    for (var gy = cy - 1; gy <= cy + 1; gy++) {
      for (var gx = cx - 1; gx <= cx + 1; gx++) {
        var list = grid.get(gy * grid.cols + gx);
        if (!list) continue;
        for (var j = 0; j < list.length; j++) {
          var i = list[j];
          if (focus >= 0 && category(i) !== focus) continue;
          var d = (sx[i] - mx) * (sx[i] - mx) + (sy[i] - my) * (sy[i] - my);
          if (d < bestD) { bestD = d; best = i; }
        }
      }
    }
    return best;
  }

  function drawMap() {
    project();
    ctx.clearRect(0, 0, width, height);
    var lists = mode === 'cluster' ? byCluster : byLabel;
    var r = radius();
    var drawn = 0;
    // The picked-out group is drawn last, on top of the faded others.
    var order = [];
    for (var k = 0; k < lists.length; k++) if (k !== focus) order.push(k);
    if (focus >= 0) order.push(focus);
    order.forEach(function (k) {
      var list = lists[k];
      if (!list.length) return;
      var code = k === lists.length - 1 ? -1 : k;
      ctx.fillStyle = colourOf(code);
      ctx.globalAlpha = focus < 0 || focus === code ? 0.82 : 0.1;
      ctx.beginPath();
      for (var j = 0; j < list.length; j++) {
        var i = list[j];
        if (sx[i] < -r || sy[i] < -r || sx[i] > width + r || sy[i] > height + r) continue;
        ctx.moveTo(sx[i] + r, sy[i]);
        ctx.arc(sx[i], sy[i], r, 0, 2 * Math.PI);
        drawn++;
      }
      ctx.fill();
    });
    ctx.globalAlpha = 1;
    buildGrid();
    drawHover();
    canvas.setAttribute('data-points', String(n));
    canvas.setAttribute('data-drawn-points', String(drawn));
    canvas.setAttribute('data-colour-by', mode);
  }

  function drawHover() {
    octx.clearRect(0, 0, width, height);
    if (hovered < 0) return;
    var r = radius() + 3;
    octx.lineWidth = 2;
    octx.strokeStyle = '#111';
    octx.beginPath();
    octx.arc(sx[hovered], sy[hovered], r, 0, 2 * Math.PI);
    octx.stroke();
  }

  function showTooltip(i, mx, my) {
    if (i < 0) { tooltip.hidden = true; return; }
    tooltip.textContent = '';
    tooltip.appendChild(el('b', null, data.name[i]));
    var lines = [];
    if (hasLabels) lines.push('label: ' + (data.label[i] >= 0 ? data.labels[data.label[i]] : '(none)'));
    lines.push('cluster: ' + (data.clusters[data.cluster[i]].noise ? 'noise (-1)' : data.clusters[data.cluster[i]].id));
    if (data.conf[i] !== null) lines.push('confidence: ' + data.conf[i].toFixed(3));
    lines.push(data.audio[i] >= 0 ? 'click to play' : 'no audio');
    lines.forEach(function (line) { tooltip.appendChild(document.createElement('br')); tooltip.appendChild(document.createTextNode(line)); });
    tooltip.hidden = false;
    var x = mx + 14, y = my + 12;
    if (x + tooltip.offsetWidth > width) x = mx - tooltip.offsetWidth - 10;
    if (y + tooltip.offsetHeight > height) y = my - tooltip.offsetHeight - 10;
    tooltip.style.left = Math.max(0, x) + 'px';
    tooltip.style.top = Math.max(0, y) + 'px';
  }

  function play(i) {
    if (i < 0 || data.audio[i] < 0) return;
    player.src = data.audioSources[data.audio[i]];
    nowPlaying.textContent = data.name[i] + (hasLabels && data.label[i] >= 0 ? ' (' + data.labels[data.label[i]] + ')' : '') + ', ' + clusterName(data.cluster[i]);
    var attempt = player.play();
    if (attempt && attempt.catch) attempt.catch(function () { /* blocked or unplayable: the controls are there */ });
  }

  var drag = null;
  canvas.addEventListener('mousemove', function (e) {
    var rect = canvas.getBoundingClientRect();
    var mx = e.clientX - rect.left, my = e.clientY - rect.top;
    if (drag) {
      if (Math.abs(e.clientX - drag.x0) + Math.abs(e.clientY - drag.y0) > 3) drag.moved = true;
      view.dx = drag.dx + e.clientX - drag.x0;
      view.dy = drag.dy + e.clientY - drag.y0;
      canvas.classList.add('dragging');
      requestDraw();
      return;
    }
    var i = nearest(mx, my);
    if (i !== hovered) { hovered = i; drawHover(); }
    showTooltip(i, mx, my);
  });
  canvas.addEventListener('mouseleave', function () { hovered = -1; drawHover(); tooltip.hidden = true; });
  canvas.addEventListener('mousedown', function (e) {
    drag = { x0: e.clientX, y0: e.clientY, dx: view.dx, dy: view.dy, moved: false };
  });
  window.addEventListener('mouseup', function () {
    if (drag && !drag.moved && hovered >= 0) play(hovered);
    drag = null;
    canvas.classList.remove('dragging');
  });
  canvas.addEventListener('wheel', function (e) {
    e.preventDefault();
    var rect = canvas.getBoundingClientRect();
    var mx = e.clientX - rect.left, my = e.clientY - rect.top;
    var factor = Math.exp(-e.deltaY * 0.0015);
    var scale = Math.min(200, Math.max(0.5, view.scale * factor));
    factor = scale / view.scale;
    view.dx = mx - (mx - view.dx) * factor;
    view.dy = my - (my - view.dy) * factor;
    view.scale = scale;
    requestDraw();
  }, { passive: false });
  document.getElementById('reset-view').addEventListener('click', function () {
    view = { scale: 1, dx: 0, dy: 0 };
    focus = -1;
    buildLegend();
    drawMap();
  });

  var pending = false;
  function requestDraw() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; drawMap(); });
  }

  // ---- legend and colour switch ----
  var legend = document.getElementById('legend');
  function buildLegend() {
    legend.textContent = '';
    var entries = [];
    if (mode === 'cluster') {
      data.clusters.forEach(function (c, k) { entries.push({ code: k, name: c.noise ? 'noise' : 'cluster ' + c.id, count: c.size }); });
    } else {
      data.labels.forEach(function (l, k) { entries.push({ code: k, name: l, count: byLabel[k].length }); });
      if (byLabel[data.labels.length].length) entries.push({ code: -1, name: '(no label)', count: byLabel[data.labels.length].length });
    }
    entries.forEach(function (entry) {
      var li = el('li');
      var swatch = el('span', 'swatch');
      swatch.style.background = colourOf(entry.code);
      li.appendChild(swatch);
      li.appendChild(el('span', 'name', entry.name));
      li.appendChild(el('span', 'count', entry.count.toLocaleString('en-US')));
      if (focus >= 0 && focus !== entry.code) li.classList.add('dim');
      li.addEventListener('click', function () {
        focus = focus === entry.code || entry.code < 0 ? -1 : entry.code;
        buildLegend();
        drawMap();
      });
      legend.appendChild(li);
    });
    legend.setAttribute('data-entries', String(entries.length));
  }
  var labelRadio = document.getElementById('colour-by-label');
  if (!hasLabels) {
    labelRadio.disabled = true;
    labelRadio.parentElement.classList.add('disabled');
    labelRadio.parentElement.title = 'The clips have no labels.';
  }
  document.querySelectorAll('input[name="colour-by"]').forEach(function (radio) {
    radio.addEventListener('change', function () {
      if (!radio.checked) return;
      mode = radio.value;
      focus = -1;
      buildLegend();
      drawMap();
    });
  });

  // ---- quality table ----
  (function () {
    var body = document.querySelector('#quality tbody');
    var note = document.getElementById('quality-note');
    if (!data.quality.length) {
      note.textContent = 'Nothing to score: the clips have neither labels nor vectors enough for the indices.';
      document.getElementById('quality').hidden = true;
      return;
    }
    note.textContent = 'Scores: ' + data.qualityNote + '.';
    data.quality.forEach(function (row) {
      var tr = el('tr');
      tr.appendChild(el('td', 'name', row[0]));
      tr.appendChild(el('td', 'value', formatNumber(row[1])));
      tr.appendChild(el('td', 'hint', row[2]));
      body.appendChild(tr);
    });
    document.getElementById('quality').setAttribute('data-rows', String(data.quality.length));
  })();

  // ---- confusion matrix ----
  function drawConfusion() {
    var section = document.getElementById('confusion-section');
    var conf = data.confusion;
    var note = document.getElementById('confusion-note');
    var canvasC = document.getElementById('confusion');
    if (!conf) { section.hidden = true; return; }
    if (conf.tooLarge) {
      note.textContent = 'The matrix (' + conf.rows + ' labels x ' + conf.cols + ' clusters) is too large to show.';
      canvasC.hidden = true;
      return;
    }
    var rows = conf.rows.length, cols = conf.cols.length;
    var c2 = canvasC.getContext('2d');
    c2.font = '12px system-ui, sans-serif';
    var rowLabelWidth = Math.min(180, Math.max.apply(null, conf.rows.map(function (r) { return c2.measureText(r).width; })) + 14);
    var colNames = conf.cols.map(function (k) { return data.clusters[k].noise ? 'noise' : String(data.clusters[k].id); });
    var colLabelWidth = Math.min(90, Math.max.apply(null, colNames.map(function (c) { return c2.measureText(c).width; })) + 12);
    var available = Math.max(300, document.getElementById('confusion-box').clientWidth - rowLabelWidth - 30);
    var cell = Math.max(5, Math.min(40, Math.floor(Math.min(available / cols, 640 / rows))));
    var vertical = cell < 30;
    var top = (vertical ? colLabelWidth : 22) + 18, left = rowLabelWidth + 20;
    var w = left + cols * cell + 10, h = top + rows * cell + 10;
    var ratio = window.devicePixelRatio || 1;
    canvasC.style.width = w + 'px';
    canvasC.style.height = h + 'px';
    canvasC.width = Math.round(w * ratio);
    canvasC.height = Math.round(h * ratio);
    c2.setTransform(ratio, 0, 0, ratio, 0, 0);
    c2.clearRect(0, 0, w, h);
    c2.font = '12px system-ui, sans-serif';
    c2.fillStyle = '#5d6575';
    c2.textBaseline = 'middle';
    c2.fillText('clusters \u2192', left, 9);
    var rowSums = conf.counts.map(function (row) { return row.reduce(function (s, v) { return s + v; }, 0); });
    for (var r = 0; r < rows; r++) {
      c2.fillStyle = '#1d2330';
      c2.textAlign = 'right';
      var label = conf.rows[r];
      while (label.length > 3 && c2.measureText(label).width > rowLabelWidth - 8) label = label.slice(0, -2) + '\u2026';
      c2.fillText(label, left - 8, top + r * cell + cell / 2);
      for (var c = 0; c < cols; c++) {
        var count = conf.counts[r][c];
        var share = rowSums[r] > 0 ? count / rowSums[r] : 0;
        // White to deep blue by the share of the label's clips.
        var red = Math.round(255 - share * (255 - 31)), green = Math.round(255 - share * (255 - 79)), blue = Math.round(255 - share * (255 - 156));
        c2.fillStyle = 'rgb(' + red + ',' + green + ',' + blue + ')';
        c2.fillRect(left + c * cell, top + r * cell, cell, cell);
        if (cell >= 18 && count > 0) {
          c2.fillStyle = share > 0.55 ? '#fff' : '#1d2330';
          c2.textAlign = 'center';
          c2.font = (cell >= 28 ? 12 : 10) + 'px system-ui, sans-serif';
          c2.fillText(String(count), left + c * cell + cell / 2, top + r * cell + cell / 2 + 0.5);
          c2.font = '12px system-ui, sans-serif';
        }
      }
    }
    c2.strokeStyle = '#e3e6eb';
    c2.lineWidth = 1;
    if (cell >= 8) {
      for (var gr = 0; gr <= rows; gr++) { c2.beginPath(); c2.moveTo(left, top + gr * cell + 0.5); c2.lineTo(left + cols * cell, top + gr * cell + 0.5); c2.stroke(); }
      for (var gc = 0; gc <= cols; gc++) { c2.beginPath(); c2.moveTo(left + gc * cell + 0.5, top); c2.lineTo(left + gc * cell + 0.5, top + rows * cell); c2.stroke(); }
    }
    c2.strokeStyle = '#1d2330';
    c2.lineWidth = 2;
    var matchedCells = 0;
    for (var m = 0; m < cols; m++) {
      if (conf.matched[m] >= 0) { c2.strokeRect(left + m * cell + 1, top + conf.matched[m] * cell + 1, cell - 2, cell - 2); matchedCells++; }
    }
    c2.fillStyle = '#1d2330';
    for (var k = 0; k < cols; k++) {
      var x = left + k * cell + cell / 2;
      c2.save();
      if (vertical) {
        c2.translate(x, top - 6);
        c2.rotate(-Math.PI / 2);
        c2.textAlign = 'left';
        c2.fillText(colNames[k], 0, 0);
      } else {
        c2.textAlign = 'center';
        c2.fillText(colNames[k], x, top - 10);
      }
      c2.restore();
    }
    canvasC.setAttribute('data-rows', String(rows));
    canvasC.setAttribute('data-cols', String(cols));
    canvasC.setAttribute('data-matched', String(matchedCells));
    canvasC.setAttribute('data-drawn', 'true');

    var tip = document.getElementById('confusion-tooltip');
    canvasC.onmousemove = function (e) {
      var rect = canvasC.getBoundingClientRect();
      var mx = e.clientX - rect.left, my = e.clientY - rect.top;
      var c = Math.floor((mx - left) / cell), r = Math.floor((my - top) / cell);
      if (c < 0 || r < 0 || c >= cols || r >= rows) { tip.hidden = true; return; }
      var count = conf.counts[r][c];
      tip.textContent = conf.rows[r] + ' in ' + (colNames[c] === 'noise' ? 'noise' : 'cluster ' + colNames[c]) + ': ' + count +
        ' (' + (rowSums[r] ? (100 * count / rowSums[r]).toFixed(0) : 0) + '% of the label)';
      tip.hidden = false;
      tip.style.left = (mx + 14 - canvasC.parentElement.scrollLeft + canvasC.offsetLeft) + 'px';
      tip.style.top = (my + 12 + canvasC.offsetTop) + 'px';
    };
    canvasC.onmouseleave = function () { tip.hidden = true; };
  }

  // ---- cluster cards ----
  function buildCards() {
    var container = document.getElementById('clusters');
    var order = data.clusters.map(function (c, k) { return k; });
    order.sort(function (a, b) {
      var ca = data.clusters[a], cb = data.clusters[b];
      if (ca.noise !== cb.noise) return ca.noise ? 1 : -1;
      return cb.size - ca.size;
    });
    order.forEach(function (k) {
      var c = data.clusters[k];
      var card = el('article', 'card');
      card.id = 'cluster-' + c.id;
      var title = el('h3');
      var swatch = el('span', 'swatch');
      swatch.style.background = clusterColours[k];
      title.appendChild(swatch);
      title.appendChild(document.createTextNode(c.noise ? 'Noise' : 'Cluster ' + c.id));
      title.appendChild(el('small', null, c.size.toLocaleString('en-US') + ' clips (' + (100 * c.size / n).toFixed(1) + '%)'));
      title.title = 'Pick this cluster out on the map';
      title.addEventListener('click', function () {
        var radio = document.querySelector('input[name="colour-by"][value="cluster"]');
        radio.checked = true;
        mode = 'cluster';
        focus = k;
        buildLegend();
        drawMap();
        document.getElementById('map-section').scrollIntoView({ behavior: 'smooth' });
      });
      card.appendChild(title);
      if (c.thumb) {
        var img = el('img', 'thumb');
        img.src = c.thumb;
        img.alt = 'Mean log-mel spectrogram of ' + clusterName(k);
        card.appendChild(img);
      } else {
        card.appendChild(el('p', 'no-thumb', 'No spectrogram (no decodable audio files).'));
      }
      if (c.labels.length) {
        var p = el('p');
        p.appendChild(el('span', 'key', 'Labels: '));
        p.appendChild(document.createTextNode(c.labels.map(function (t) { return t[0] + ' ' + t[1]; }).join(', ')));
        card.appendChild(p);
      }
      if (c.tags.length) {
        var q = el('p');
        q.appendChild(el('span', 'key', 'Top tags: '));
        q.appendChild(document.createTextNode(c.tags.map(function (t) { return t[0] + ' (' + t[1] + ')'; }).join(', ')));
        card.appendChild(q);
      }
      var list = el('ul', 'examples');
      c.examples.forEach(function (i) {
        var li = el('li');
        var label = data.name[i] + (hasLabels && data.label[i] >= 0 ? ' \u00b7 ' + data.labels[data.label[i]] : '') +
          (data.conf[i] !== null ? ' \u00b7 ' + data.conf[i].toFixed(2) : '');
        li.appendChild(el('span', 'ex-name', label));
        if (data.audio[i] >= 0) {
          var audio = el('audio');
          audio.controls = true;
          audio.preload = 'none';
          audio.src = data.audioSources[data.audio[i]];
          li.appendChild(audio);
        }
        list.appendChild(li);
      });
      card.appendChild(list);
      container.appendChild(card);
    });
    container.setAttribute('data-clusters', String(order.length));
  }

  resize();
  buildLegend();
  drawMap();
  drawConfusion();
  buildCards();
  var resizeTimer = 0;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { resize(); drawMap(); drawConfusion(); }, 120);
  });
  document.documentElement.setAttribute('data-render-ms', String(Math.round(performance.now() - started)));

  // With #selftest in the address, hover the first clip as a mouse would and record what the
  // tooltip says, so a headless browser can check the hover path too.
  if (location.hash === '#selftest' && n > 0) {
    var rect = canvas.getBoundingClientRect();
    canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: rect.left + sx[0], clientY: rect.top + sy[0], bubbles: true }));
    document.documentElement.setAttribute('data-selftest-hover', tooltip.hidden ? '' : tooltip.textContent);
    canvas.dispatchEvent(new MouseEvent('mouseleave', { bubbles: true }));
  }
  document.documentElement.setAttribute('data-ready', 'true');
})();
