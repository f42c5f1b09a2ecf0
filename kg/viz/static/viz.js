/* kg viz: builds the vis-network view from the JSON embedded in the page.
   Names and sentences come from untrusted documents, so every string is put in the page with
   textContent / createTextNode, never parsed as markup. Globals `network`, `nodes`, `edges` follow pyvis. */
(function () {
  'use strict';

  var DATA = JSON.parse(document.getElementById('kg-data').textContent);
  var ENT = DATA.entities, DOCS = DATA.documents, EVID = DATA.evidence;
  var nEnt = ENT.length;
  var CLASS = {}, REL = {};
  DATA.classes.forEach(function (c) { CLASS[c.id] = c; });
  DATA.relations.forEach(function (r) { REL[r.id] = r; });

  var classOn = {}, relOn = {}, showDocs = false;
  DATA.classes.forEach(function (c) { classOn[c.id] = true; });
  DATA.relations.forEach(function (r) { relOn[r.id] = true; });

  // ------------------------------------------------------------------ DOM helpers (text only)
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }
  var SVGNS = 'http://www.w3.org/2000/svg';
  function swatch(shape, color) {
    var s = document.createElementNS(SVGNS, 'svg');
    s.setAttribute('width', '16'); s.setAttribute('height', '16'); s.setAttribute('viewBox', '0 0 16 16');
    var pts = {
      star: '8,1 10,6 15,6 11,9.5 12.5,15 8,11.5 3.5,15 5,9.5 1,6 6,6',
      hexagon: '8,1 14,4.5 14,11.5 8,15 2,11.5 2,4.5',
      triangle: '8,2 15,14 1,14', triangleDown: '1,2 15,2 8,14', diamond: '8,1 15,8 8,15 1,8',
      square: '2,2 14,2 14,14 2,14', box: '1,4 15,4 15,12 1,12'
    }[shape];
    var p;
    if (pts) { p = document.createElementNS(SVGNS, 'polygon'); p.setAttribute('points', pts); }
    else { p = document.createElementNS(SVGNS, 'circle'); p.setAttribute('cx', '8'); p.setAttribute('cy', '8'); p.setAttribute('r', '6'); }
    p.setAttribute('fill', color); p.setAttribute('stroke', '#444'); p.setAttribute('stroke-width', '0.6');
    s.appendChild(p);
    return s;
  }
  function line(color) {
    var s = document.createElementNS(SVGNS, 'svg');
    s.setAttribute('width', '16'); s.setAttribute('height', '16');
    var l = document.createElementNS(SVGNS, 'line');
    l.setAttribute('x1', '1'); l.setAttribute('y1', '8'); l.setAttribute('x2', '15'); l.setAttribute('y2', '8');
    l.setAttribute('stroke', color); l.setAttribute('stroke-width', '3');
    s.appendChild(l);
    return s;
  }

  // ------------------------------------------------------------------ network
  var nodes = new vis.DataSet(DATA.vis.nodes);
  var edges = new vis.DataSet(DATA.vis.edges);
  function nodeVisible(id) {
    return id < nEnt ? classOn[ENT[id].cls] !== false : showDocs;
  }
  var nodeView = new vis.DataView(nodes, {filter: function (n) { return nodeVisible(n.id); }});
  var edgeView = new vis.DataView(edges, {filter: function (e) {
    if (e.kind === 'mention') return showDocs && nodeVisible(e.from);
    return relOn[e.rel] !== false && nodeVisible(e.from) && nodeVisible(e.to);
  }});

  // incident relation edges per entity, for the details panel
  var incident = [];
  for (var i = 0; i < nEnt; i++) incident.push([]);
  DATA.vis.edges.forEach(function (e) {
    if (e.kind === 'mention') return;
    incident[e.from].push(e);
    if (e.to !== e.from) incident[e.to].push(e);
  });

  var container = document.getElementById('mynetwork');
  var network = new vis.Network(container, {nodes: nodeView, edges: edgeView}, DATA.vis.options);
  window.network = network; window.nodes = nodes; window.edges = edges;

  // Filtered-out nodes leave the network and come back from the DataSet, so positions are
  // kept there; documents (hidden at first, so not laid out) go near the entities they mention.
  function storePositions() {
    var pos = network.getPositions(), upd = [], sum = {};
    Object.keys(pos).forEach(function (k) {
      var id = Number(k), p = pos[k];
      upd.push({id: id, x: p.x, y: p.y});
      if (id < nEnt) ENT[id].docs.forEach(function (j) {
        var s = sum[j] || (sum[j] = [0, 0, 0]);
        s[0] += p.x; s[1] += p.y; s[2] += 1;
      });
    });
    if (!showDocs) DOCS.forEach(function (d, j) {
      var s = sum[j];
      var a = 2.39996 * j, r = 90 + 3 * j;  // spread documents that share a centre
      upd.push({id: nEnt + j, x: (s ? s[0] / s[2] : 0) + r * Math.cos(a), y: (s ? s[1] / s[2] : 0) + r * Math.sin(a)});
    });
    nodes.update(upd);
  }
  network.on('dragEnd', function (p) {
    if (!p.nodes.length) return;
    var pos = network.getPositions(p.nodes);
    nodes.update(p.nodes.map(function (id) { return {id: id, x: pos[id].x, y: pos[id].y}; }));
  });

  var status = document.getElementById('kg-status');
  var layoutDone = !(DATA.vis.options.physics && DATA.vis.options.physics.enabled);
  function updateStatus() {
    status.textContent = '显示 ' + network.body.nodeIndices.length + ' 个节点，' +
      network.body.edgeIndices.length + ' 条边' + (layoutDone ? '' : '（布局中…）');
  }
  if (!layoutDone) {
    var progress = el('div', '布局中…');
    progress.id = 'kg-progress';
    container.appendChild(progress);
    network.on('stabilizationProgress', function (p) {
      progress.textContent = '布局中… ' + Math.round(100 * p.iterations / p.total) + '%';
    });
    network.once('stabilizationIterationsDone', function () {
      // freeze: nodes stay where stabilisation left them, also when filters change
      network.setOptions({physics: {enabled: false}});
      storePositions();
      layoutDone = true;
      if (progress.parentNode) progress.parentNode.removeChild(progress);
      updateStatus();
      window.kgLayoutDoneAt = performance.now();
      window.kgLayoutDone = true;
    });
  } else {
    window.kgLayoutDoneAt = performance.now();
    window.kgLayoutDone = true;
  }

  // ------------------------------------------------------------------ header, legend, filters
  document.getElementById('kg-title').textContent = DATA.title;

  function refresh() {
    nodeView.refresh();
    edgeView.refresh();
    updateStatus();
  }
  function checkbox(on, onChange) {
    var c = el('input');
    c.type = 'checkbox'; c.checked = on;
    c.addEventListener('change', function () { onChange(c.checked); });
    return c;
  }
  var classBoxes = {}, relBoxes = {};
  var lc = document.getElementById('kg-legend-classes');
  DATA.classes.forEach(function (c) {
    var box = checkbox(true, function (on) { setClass(c.id, on); });
    box.dataset.cls = c.id;
    classBoxes[c.id] = box;
    add(lc, add(el('li'), add(el('label'), box, swatch(c.shape, c.color), el('span', c.zh),
                                 el('span', c.id, 'kg-en'), el('span', c.count, 'kg-count'))));
  });
  var lr = document.getElementById('kg-legend-relations');
  DATA.relations.forEach(function (r) {
    var box = checkbox(true, function (on) { setRelation(r.id, on); });
    box.dataset.rel = r.id;
    relBoxes[r.id] = box;
    add(lr, add(el('li'), add(el('label'), box, line(r.color), el('span', r.zh),
                                 el('span', r.id, 'kg-en'), el('span', r.count, 'kg-count'))));
  });
  var docBox = document.getElementById('kg-show-docs');
  var docLabel = docBox.parentNode;
  docLabel.insertBefore(swatch(DATA.documentStyle.shape, '#f0f0f0'), docLabel.lastChild);
  add(docLabel, el('span', DOCS.length, 'kg-count'));
  docBox.addEventListener('change', function () { setDocuments(docBox.checked); });

  function setClass(cls, on) {
    classOn[cls] = !!on; classBoxes[cls].checked = !!on; refresh();
  }
  function setRelation(rel, on) {
    relOn[rel] = !!on; relBoxes[rel].checked = !!on; refresh();
  }
  function setDocuments(on) {
    showDocs = !!on; docBox.checked = !!on; refresh();
  }

  // ------------------------------------------------------------------ search
  var FOLD = DATA.fold;
  function fold(s) {
    s = String(s).normalize('NFKC').toLowerCase();
    var out = '';
    for (var ch of s) out += FOLD[ch] || ch;
    return out;
  }
  function search(q) {
    var f = fold(q).trim();
    if (!f) return [];
    var hits = [];
    for (var i = 0; i < nEnt; i++) {
      var keys = ENT[i].keys.split('\u0001');
      var best = -1;
      for (var k = 0; k < keys.length; k++) {
        var at = keys[k].indexOf(f);
        if (at < 0) continue;
        // exact name first, then prefix, then substring; the label before aliases
        var rank = (keys[k] === f ? 0 : at === 0 ? 1 : 2) * 2 + (k === 0 ? 0 : 1);
        if (best < 0 || rank < best) best = rank;
      }
      if (best >= 0) hits.push([best, ENT[i].label.length, i]);
    }
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
    return hits.map(function (h) { return h[2]; });
  }
  var input = document.getElementById('kg-search');
  var results = document.getElementById('kg-results');
  var shown = [], active = 0;
  function showResults() {
    var hits = search(input.value);
    shown = hits.slice(0, 30); active = 0;
    results.textContent = '';
    if (!input.value.trim()) { results.hidden = true; return; }
    if (!shown.length) {
      add(results, el('li', '没有找到匹配的名称或别名', 'kg-none'));
    }
    shown.forEach(function (id, n) {
      var e = ENT[id];
      var li = add(el('li', null, n === 0 ? 'kg-active' : null), el('span', e.label));
      if (e.aliases.length) add(li, el('span', '（' + e.aliases.join('、') + '）', 'kg-alias'));
      add(li, el('span', CLASS[e.cls].zh, 'kg-cls'));
      li.addEventListener('mousedown', function (ev) { ev.preventDefault(); choose(id); });
      add(results, li);
    });
    if (hits.length > shown.length) add(results, el('li', '… 共 ' + hits.length + ' 个结果', 'kg-none'));
    results.hidden = false;
  }
  function choose(id) {
    results.hidden = true;
    focusNode(id);
  }
  input.addEventListener('input', showResults);
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.isComposing) {
      if (results.hidden) showResults();
      if (shown.length) choose(shown[active]);
    } else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (!shown.length) return;
      ev.preventDefault();
      active = (active + (ev.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length;
      Array.prototype.forEach.call(results.children, function (li, n) { li.classList.toggle('kg-active', n === active); });
    } else if (ev.key === 'Escape') {
      results.hidden = true;
    }
  });
  input.addEventListener('blur', function () { results.hidden = true; });
  input.addEventListener('focus', function () { if (input.value.trim()) showResults(); });

  function focusNode(id) {
    if (id < nEnt && !classOn[ENT[id].cls]) setClass(ENT[id].cls, true);
    if (id >= nEnt && !showDocs) setDocuments(true);
    network.selectNodes([id]);
    network.focus(id, {scale: Math.max(network.getScale(), 1.0), animation: {duration: 300}});
    showNode(id);
  }

  // ------------------------------------------------------------------ details
  var panel = document.getElementById('kg-details');
  function link(text, onClick) {
    var a = el('a', text, 'kg-link');
    a.href = '#';
    a.addEventListener('click', function (ev) { ev.preventDefault(); onClick(); });
    return a;
  }
  function docName(j) {
    var d = DOCS[j];
    return d ? (d.title || d.file || d.iri) : '（未知文档）';
  }
  function evidenceList(ids) {
    if (!ids || !ids.length) return el('p', '（无证据记录）', 'kg-hint');
    var box = el('div', null, 'kg-evidence');
    ids.forEach(function (k) {
      var ev = EVID[k];
      add(box, el('blockquote', ev.sentence));
      var cite = el('div', null, 'kg-cite');
      add(cite, document.createTextNode('—— '));
      if (ev.doc !== null && ev.doc !== undefined) add(cite, document.createTextNode('《' + docName(ev.doc) + '》'));
      if (ev.doc !== null && ev.doc !== undefined && DOCS[ev.doc].date) add(cite, document.createTextNode(' ' + DOCS[ev.doc].date));
      if (ev.page !== null && ev.page !== undefined) add(cite, el('span', ' · 第 ' + ev.page + ' 页', 'kg-page'));
      if (ev.start !== null && ev.start !== undefined) add(cite, document.createTextNode(' · 字符 ' + ev.start + '–' + ev.end));
      if (ev.rule) { add(cite, document.createTextNode(' · 规则 ')); add(cite, el('span', ev.rule, 'kg-rule')); }
      add(box, cite);
    });
    return box;
  }
  function typeBadge(cls) {
    var c = CLASS[cls];
    var b = el('span', c ? c.zh + ' ' + c.id : cls, 'kg-type');
    b.style.background = c ? c.color : DATA.documentStyle.color;
    return b;
  }
  function entityLink(id) {
    return link(ENT[id].label, function () { focusNode(id); });
  }
  function clearPanel() { panel.textContent = ''; }

  function showNode(id) {
    clearPanel();
    if (id >= nEnt) { showDocument(id - nEnt); return; }
    var e = ENT[id];
    add(panel, el('h2', e.label), typeBadge(e.cls), el('div', e.iri, 'kg-iri'));
    add(panel, el('h3', '别名'));
    if (e.aliases.length) add(panel, add.apply(null, [el('ul')].concat(e.aliases.map(function (a) { return el('li', a); }))));
    else add(panel, el('p', '（无）', 'kg-hint'));
    if (e.posts.length) {
      add(panel, el('h3', '职务'));
      e.posts.forEach(function (p) { add(panel, el('div', p.post, 'kg-post'), evidenceList(p.ev)); });
    }
    add(panel, el('h3', '提及该实体的文档（' + e.docs.length + '）'));
    var ul = el('ul');
    e.docs.forEach(function (j) {
      var d = DOCS[j];
      add(ul, add(el('li'), link(docName(j), function () { focusNode(nEnt + j); }),
                  d.date ? el('span', ' ' + d.date, 'kg-hint') : null));
    });
    add(panel, ul);
    var inc = incident[id];
    add(panel, el('h3', '关系（' + inc.length + '）'));
    inc.forEach(function (edge) {
      var out = edge.from === id;
      var head = el('div', null, 'kg-rel');
      add(head, el('strong', out ? REL[edge.rel].zh + ' → ' : '← ' + REL[edge.rel].zh + ' '),
          entityLink(out ? edge.to : edge.from), el('span', ' (' + edge.rel + ')', 'kg-en'));
      add(panel, head, evidenceList(edge.ev));
    });
  }
  function showDocument(j) {
    var d = DOCS[j];
    add(panel, el('h2', docName(j)), typeBadge('文档 Document'), el('div', d.iri, 'kg-iri'));
    var ul = el('ul');
    [['日期', d.date], ['来源', d.source], ['文件', d.file]].forEach(function (kv) {
      if (kv[1]) add(ul, el('li', kv[0] + '：' + kv[1]));
    });
    add(panel, ul);
    var ents = [];
    for (var i = 0; i < nEnt; i++) if (ENT[i].docs.indexOf(j) >= 0) ents.push(i);
    add(panel, el('h3', '提及的实体（' + ents.length + '）'));
    var list = el('ul');
    ents.forEach(function (i) { add(list, add(el('li'), entityLink(i), el('span', ' ' + CLASS[ENT[i].cls].zh, 'kg-hint'))); });
    add(panel, list);
  }
  function showEdge(eid) {
    var edge = edges.get(eid);
    if (!edge || edge.kind === 'mention') return;
    clearPanel();
    add(panel, el('h2', REL[edge.rel].zh), el('div', edge.rel, 'kg-en'));
    add(panel, add(el('p'), entityLink(edge.from), document.createTextNode(' → '), entityLink(edge.to)));
    add(panel, el('h3', '证据（' + edge.ev.length + '）'), evidenceList(edge.ev));
  }
  network.on('click', function (p) {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
  });

  updateStatus();
  // for tests and scripting; read-only views of the page state
  window.kgviz = {
    data: DATA, search: search, focusNode: focusNode, showNode: showNode, showEdge: showEdge,
    setClass: setClass, setRelation: setRelation, setDocuments: setDocuments, fold: fold,
    visibleNodeIds: function () { return network.body.nodeIndices.slice(); },
    visibleEdgeIds: function () { return network.body.edgeIndices.slice(); }
  };
})();
