// Live dashboard: per camera, the emotion mix per minute (stacked bars) beside the distinct people
// (face tracks) per minute, the live tracks (dwell time, smoothed emotion) and the latest events.
// Seeds from /api/events/recent, then follows /api/events/stream (server-sent events).
'use strict';

const COLOURS = {
  happy: '#3ddc84', neutral: '#9aa5b1', sad: '#4f8dff', angry: '#ff5b5b', fearful: '#b57bff', fear: '#b57bff',
  disgusted: '#a3c940', disgust: '#a3c940', surprised: '#ffc145', surprise: '#ffc145',
};
const MINUTES = 15;
// a track counts as live while its camera's latest frame is at most this much newer than its own
const LIVE_TRACK_MS = 3000;
const cameras = new Map(); // id -> {chart, list, buckets: Map<minute, Map<label, n>>, labels:Set}
const recentFaces = [];     // arrival times, for faces/s
let liveEvents = 0;

function minuteOf(iso) { return Math.floor(Date.parse(iso) / 60000); }
function timeLabel(minute) { return new Date(minute * 60000).toTimeString().slice(0, 5); }

function cameraView(id) {
  let view = cameras.get(id);
  if (view) return view;
  document.getElementById('empty').hidden = true;
  const section = document.createElement('div');
  section.className = 'camera';
  section.dataset.camera = id;
  section.innerHTML = `<h2><span></span><small class="count"></small></h2>
    <div class="chart-box"><canvas></canvas></div>
    <table class="tracks"><caption></caption><tbody></tbody></table><ul class="events"></ul>`;
  section.querySelector('h2 span').textContent = id;
  document.getElementById('cameras').appendChild(section);
  const chart = new Chart(section.querySelector('canvas'), {
    type: 'bar',
    data: { labels: [], datasets: [] },
    options: {
      animation: false, maintainAspectRatio: false,
      scales: { x: { stacked: true, ticks: { color: '#8b95a3' }, grid: { color: '#242c36' } },
                y: { stacked: true, beginAtZero: true, ticks: { color: '#8b95a3', precision: 0 }, grid: { color: '#242c36' } },
                people: { position: 'right', beginAtZero: true, ticks: { color: '#e6e9ee', precision: 0 }, grid: { display: false },
                          title: { display: true, text: 'people', color: '#e6e9ee' } } },
      plugins: { legend: { labels: { color: '#e6e9ee', boxWidth: 12 } } },
    },
  });
  view = { chart, section, list: section.querySelector('.events'), buckets: new Map(), labels: [], faces: 0,
           people: new Map(), tracks: new Map(), latest: 0 };
  cameras.set(id, view);
  document.getElementById('camera-count').textContent = cameras.size;
  return view;
}

function add(event, live) {
  const view = cameraView(event.cameraId);
  if (view.labels.length === 0) view.labels = Object.keys(event.scores);
  const minute = minuteOf(event.captureTime);
  const bucket = view.buckets.get(minute) || new Map();
  bucket.set(event.label, (bucket.get(event.label) || 0) + 1);
  view.buckets.set(minute, bucket);
  view.faces++;
  const at = Date.parse(event.captureTime);
  view.latest = Math.max(view.latest, at);
  if (event.trackId) {
    const people = view.people.get(minute) || new Set();
    people.add(event.trackId);
    view.people.set(minute, people);
    const track = view.tracks.get(event.trackId) || { first: at, last: at };
    track.last = Math.max(track.last, at);
    track.label = event.smoothedLabel;
    track.score = event.smoothedScores ? event.smoothedScores[event.smoothedLabel] : undefined;
    view.tracks.set(event.trackId, track);
  }
  const li = document.createElement('li');
  if (live) li.className = 'fresh';
  const time = new Date(event.captureTime).toTimeString().slice(0, 8);
  const score = (event.scores[event.label] * 100).toFixed(0);
  li.innerHTML = `<span class="label"></span><span>${score}%</span><span>frame ${event.frameSequence} · face ${event.faceIndex + 1}/${event.faceCount}</span><span>${time}</span>`;
  li.querySelector('.label').textContent = event.label;
  li.querySelector('.label').style.color = COLOURS[event.label] || '#fff';
  view.list.prepend(li);
  while (view.list.children.length > 8) view.list.lastChild.remove();
  document.getElementById('model').textContent = `${event.modelName} ${event.modelVersion}`;
  if (live) {
    liveEvents++;
    document.body.dataset.liveEvents = liveEvents;
    recentFaces.push(Date.now());
  }
  view.dirty = true;
}

function redraw() {
  for (const [, view] of cameras) {
    if (!view.dirty) continue;
    view.dirty = false;
    const minutes = [...view.buckets.keys()].sort((a, b) => a - b).slice(-MINUTES);
    view.chart.data.labels = minutes.map(timeLabel);
    view.chart.data.datasets = view.labels.map(label => ({
      label, backgroundColor: COLOURS[label] || '#ccc', maxBarThickness: 56,
      data: minutes.map(m => (view.buckets.get(m) || new Map()).get(label) || 0),
    }));
    view.chart.options.scales.people.display = view.people.size > 0;
    if (view.people.size) {
      view.chart.data.datasets.unshift({ type: 'line', label: 'people', yAxisID: 'people', borderColor: '#e6e9ee',
        backgroundColor: '#e6e9ee', data: minutes.map(m => (view.people.get(m) || new Set()).size) });
    }
    drawTracks(view);
    view.chart.update();
    view.section.dataset.points = minutes.reduce((n, m) => n + [...view.buckets.get(m).values()].reduce((a, b) => a + b, 0), 0);
    view.section.querySelector('.count').textContent = `${view.faces} faces`;
  }
  const now = Date.now();
  while (recentFaces.length && recentFaces[0] < now - 10000) recentFaces.shift();
  document.getElementById('throughput').textContent = (recentFaces.length / 10).toFixed(1);
}

// live tracks of a camera: the people in view now, how long each has stayed, their smoothed emotion
function drawTracks(view) {
  for (const [id, t] of view.tracks) if (view.latest - t.last > 60000) view.tracks.delete(id);
  const live = [...view.tracks.entries()].filter(([, t]) => view.latest - t.last <= LIVE_TRACK_MS)
    .sort((a, b) => a[1].first - b[1].first);
  const table = view.section.querySelector('.tracks');
  table.dataset.live = live.length;
  table.hidden = view.tracks.size === 0;
  table.querySelector('caption').textContent = `${live.length} in view now`;
  const body = table.querySelector('tbody');
  body.replaceChildren(...live.slice(0, 8).map(([id, t]) => {
    const row = document.createElement('tr');
    row.innerHTML = '<td class="id"></td><td class="dwell"></td><td class="label"></td>';
    row.querySelector('.id').textContent = id.slice(0, 6);
    row.querySelector('.dwell').textContent = `${((t.last - t.first) / 1000).toFixed(0)} s`;
    row.querySelector('.label').textContent = t.label || '–';
    row.querySelector('.label').style.color = COLOURS[t.label] || '#fff';
    return row;
  }));
}

async function status() {
  try {
    const s = await (await fetch('/api/status')).json();
    document.getElementById('readiness').textContent = s.ready ? 'ready' : s.readiness;
    if (s.model) document.getElementById('model').textContent = s.model;
  } catch (e) { document.getElementById('readiness').textContent = 'unreachable'; }
}

async function start() {
  try {
    for (const event of await (await fetch('/api/events/recent')).json()) add(event, false);
  } catch (e) { /* no history yet */ }
  const source = new EventSource('/api/events/stream');
  source.onopen = () => document.getElementById('live-dot').classList.add('on');
  source.onerror = () => document.getElementById('live-dot').classList.remove('on');
  source.onmessage = message => add(JSON.parse(message.data), true);
  setInterval(redraw, 500);
  setInterval(status, 2000);
  redraw();
  status();
}

start();
