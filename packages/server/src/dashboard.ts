/**
 * The dashboard: one page, its script and its style, served by the API process itself (no CDN).
 * The page holds no inline script or style, so it runs under a strict Content-Security-Policy.
 */
export const DASHBOARD_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hokusai</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard.css">
<script type="module" src="/dashboard.js"></script>
</head>
<body>
<header><h1><a href="#/">Hokusai</a></h1><span id="who"></span><button id="logout" hidden>Sign out</button></header>
<main>
<section id="login" hidden>
<h2>Sign in</h2>
<form id="login-form"><label>API key <input id="key" type="password" autocomplete="off" required></label> <button type="submit">Sign in</button></form>
<p id="login-error" class="error" role="alert"></p>
</section>
<section id="runs" hidden>
<h2>Runs</h2>
<table><thead><tr><th>Run</th><th>Status</th><th>Verdict</th><th>DeltaOne</th><th>Contributor</th><th>Submitted</th></tr></thead><tbody id="run-rows"></tbody></table>
<p id="runs-empty" hidden>No runs yet. Submit one with <code>POST /runs</code> (see <a href="/openapi.json">/openapi.json</a>).</p>
</section>
<section id="run" hidden>
<h2>Run <span id="run-id"></span></h2>
<p>Status: <strong id="run-status"></strong> · Verdict: <strong id="run-verdict"></strong> · DeltaOne: <strong id="run-delta"></strong></p>
<p id="run-error" class="error"></p>
<ol id="run-steps"></ol>
<p><button id="verify" disabled>Verify</button> <button id="cancel" disabled>Cancel</button> <span id="verify-result"></span></p>
<iframe id="report" title="Report" hidden></iframe>
</section>
</main>
</body>
</html>
`;

export const DASHBOARD_CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header{display:flex;gap:1rem;align-items:center;padding:.5rem 1rem;background:#14213d;color:#fff}
header h1{font-size:1.1rem;margin:0}header a{color:#fff;text-decoration:none}#who{margin-left:auto;font-size:.85rem}
main{padding:1rem;max-width:1100px;margin:auto}table{border-collapse:collapse;width:100%;background:#fff}
th,td{padding:.4rem .6rem;border-bottom:1px solid #e3e6ea;text-align:left}tr.link{cursor:pointer}tr.link:hover{background:#eef3ff}
.status-succeeded,.verdict-accepted{color:#136f36}.status-failed,.verdict-rejected,.error{color:#a4161a}.status-running{color:#1d4ed8}
#run-steps li.finished::marker,#run-steps li.reused::marker{color:#136f36}#run-steps li.failed{color:#a4161a}
iframe{width:100%;height:80vh;border:1px solid #d0d5dc;background:#fff;margin-top:1rem}
@media (max-width:600px){td:nth-child(5),th:nth-child(5),td:nth-child(6),th:nth-child(6){display:none}}
`;

export const DASHBOARD_JS = `const $ = (id) => document.getElementById(id);
const api = async (path, options = {}) => {
  const response = await fetch(path, { ...options, credentials: 'same-origin', headers: { 'x-requested-with': 'hokusai-dashboard', ...(options.headers || {}) } });
  const body = response.headers.get('content-type')?.includes('json') ? await response.json() : await response.text();
  if (!response.ok) throw Object.assign(new Error(body.detail || response.statusText), { status: response.status });
  return body;
};
const text = (el, value) => { el.textContent = value == null ? '—' : String(value); };
let stream = null;
let poll = null;

function show(section) {
  for (const id of ['login', 'runs', 'run']) $(id).hidden = id !== section;
}

async function signedIn() {
  const session = await api('/session').catch(() => ({ signed_in: false }));
  $('logout').hidden = !session.signed_in;
  text($('who'), session.signed_in ? 'key ' + session.key_id + ' · ' + session.scopes.join(', ') : '');
  return session.signed_in;
}

async function listRuns() {
  const { runs } = await api('/runs?limit=200');
  const rows = $('run-rows');
  rows.replaceChildren(...runs.map((run) => {
    const tr = document.createElement('tr');
    tr.className = 'link';
    tr.dataset.id = run.id;
    for (const [value, cls] of [[run.id, ''], [run.status, 'status-' + run.status], [run.decision, 'verdict-' + run.decision], [run.deltaOne == null ? null : run.deltaOne.toFixed(2) + ' pp', ''], [run.contributor, ''], [run.createdAt.replace('T', ' ').slice(0, 19), '']]) {
      const td = document.createElement('td');
      text(td, value);
      if (cls) td.className = cls;
      tr.append(td);
    }
    tr.addEventListener('click', () => { location.hash = '#/runs/' + run.id; });
    return tr;
  }));
  $('runs-empty').hidden = runs.length > 0;
}

function renderRun(run) {
  text($('run-id'), run.id);
  text($('run-status'), run.status);
  $('run-status').className = 'status-' + run.status;
  text($('run-verdict'), run.decision === 'accepted' ? 'Accepted' : run.decision === 'rejected' ? 'Rejected' : null);
  $('run-verdict').className = 'verdict-' + run.decision;
  text($('run-delta'), run.deltaOne == null ? null : run.deltaOne.toFixed(2) + ' pp');
  text($('run-error'), run.error ? run.error.code + ': ' + run.error.message : '');
  $('run-steps').replaceChildren(...Object.entries(run.steps).map(([name, step]) => {
    const li = document.createElement('li');
    li.className = step.status;
    const extra = step.status === 'running' && step.total ? ' (' + step.done + '/' + step.total + ' ' + (step.unit || '') + ')' : step.durationMs != null ? ' (' + (step.durationMs / 1000).toFixed(1) + ' s)' : '';
    li.textContent = name + ': ' + step.status + extra;
    return li;
  }));
  const done = run.status === 'succeeded';
  $('verify').disabled = !done;
  $('cancel').disabled = !(run.status === 'queued' || run.status === 'running');
  const frame = $('report');
  if (done && frame.hidden) {
    frame.src = '/runs/' + run.id + '/report';
    frame.hidden = false;
  }
}

function openRun(id) {
  show('run');
  $('report').hidden = true;
  $('report').removeAttribute('src');
  text($('verify-result'), '');
  stream = new EventSource('/runs/' + encodeURIComponent(id) + '/events');
  stream.addEventListener('run', (event) => renderRun(JSON.parse(event.data)));
  stream.addEventListener('error', () => { stream.close(); api('/runs/' + encodeURIComponent(id)).then(renderRun, () => {}); });
  $('verify').onclick = async () => {
    text($('verify-result'), 'verifying…');
    try {
      const result = await api('/runs/' + encodeURIComponent(id) + '/verify', { method: 'POST' });
      text($('verify-result'), result.ok ? 'Verified: all ' + result.checks.length + ' checks pass' : 'Verification FAILED: ' + result.checks.filter((c) => !c.ok).map((c) => c.name).join(', '));
    } catch (error) {
      text($('verify-result'), 'Verification could not run: ' + error.message);
    }
  };
  $('cancel').onclick = () => api('/runs/' + encodeURIComponent(id) + '/cancel', { method: 'POST' }).then(renderRun, (error) => text($('run-error'), error.message));
}

async function route() {
  stream?.close();
  stream = null;
  clearInterval(poll);
  if (!(await signedIn())) return show('login');
  const match = /^#\\/runs\\/([a-z0-9]+)$/.exec(location.hash);
  if (match) return openRun(match[1]);
  show('runs');
  await listRuns();
  poll = setInterval(() => listRuns().catch(() => {}), 3000);
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await api('/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: $('key').value }) });
    $('key').value = '';
    text($('login-error'), '');
    await route();
  } catch (error) {
    text($('login-error'), error.message);
  }
});
$('logout').addEventListener('click', async () => { await api('/session', { method: 'DELETE' }).catch(() => {}); await route(); });
window.addEventListener('hashchange', () => { route(); });
route();
`;
