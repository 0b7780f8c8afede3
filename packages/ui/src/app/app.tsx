import { useEffect, useState } from 'preact/hooks';
import { ModalFrame } from './components/common.js';
import { onAuthRequired, setCredentials } from './lib/api.js';
import { useHash } from './lib/hooks.js';
import { links, parseRoute, splitHash } from './lib/router.js';
import { CompareRunsPage, MetricPage } from './pages/compare-runs-page.js';
import { CompareVersionsPage } from './pages/compare-versions-page.js';
import { ExperimentPage } from './pages/experiment-page.js';
import { ExperimentsPage } from './pages/experiments-page.js';
import { LoggedModelPage } from './pages/logged-models-tab.js';
import { ModelPage } from './pages/model-page.js';
import { ModelVersionPage } from './pages/model-version-page.js';
import { ModelsPage } from './pages/models-page.js';
import { RunPage } from './pages/run-page.js';

/** Asks for credentials when the server answers 401; they stay in this tab's sessionStorage. */
function SignIn({ onDone }: { onDone(): void }) {
  const [mode, setMode] = useState<'password' | 'token'>('password');
  return (
    <ModalFrame labelledBy="signin-title" focus='input[name="username"], input[name="token"]'>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const f = e.currentTarget;
          const value = (n: string) => (f.elements.namedItem(n) as HTMLInputElement | null)?.value ?? '';
          setCredentials(
            mode === 'token' ? { token: value('token') } : { username: value('username'), password: value('password') },
          );
          onDone();
        }}
      >
        <h2 id="signin-title">Sign in</h2>
        <p class="muted">This tracking server requires authentication.</p>
        <div class="toolbar">
          <label>
            <input type="radio" name="mode" checked={mode === 'password'} onChange={() => setMode('password')} />{' '}
            Username and password
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'token'} onChange={() => setMode('token')} /> Token
          </label>
        </div>
        {mode === 'password' ? (
          <>
            <label class="field">
              Username <input name="username" autoComplete="username" required />
            </label>
            <label class="field">
              Password <input name="password" type="password" autoComplete="current-password" required />
            </label>
          </>
        ) : (
          <label class="field">
            Token <input name="token" type="password" required />
          </label>
        )}
        <div class="dialog-buttons">
          <button type="submit" class="primary">
            Sign in
          </button>
        </div>
      </form>
    </ModalFrame>
  );
}

function Page({ hash }: { hash: string }) {
  const route = parseRoute(splitHash(hash));
  switch (route.page) {
    case 'experiments':
      return <ExperimentsPage hash={hash} />;
    case 'experiment':
      return (
        <ExperimentPage key={route.experimentId} experimentIds={[route.experimentId]} tab={route.tab} hash={hash} />
      );
    case 'compare-experiments':
      return (
        <ExperimentPage key={route.experimentIds.join()} experimentIds={route.experimentIds} tab="runs" hash={hash} />
      );
    case 'run':
      return (
        <RunPage key={route.runId} runId={route.runId} tab={route.tab} artifactPath={route.artifactPath} hash={hash} />
      );
    case 'logged-model':
      return <LoggedModelPage experimentId={route.experimentId} modelId={route.modelId} />;
    case 'compare-runs':
      return <CompareRunsPage runIds={route.runIds} experimentIds={route.experimentIds} hash={hash} />;
    case 'metric':
      return (
        <MetricPage
          runIds={route.runIds}
          experimentIds={route.experimentIds}
          metricKeys={route.metricKeys}
          hash={hash}
        />
      );
    case 'models':
      return <ModelsPage hash={hash} />;
    case 'model':
      return <ModelPage key={route.name} name={route.name} />;
    case 'model-version':
      return <ModelVersionPage key={`${route.name}/${route.version}`} name={route.name} version={route.version} />;
    case 'compare-model-versions':
      return <CompareVersionsPage name={route.name} runsByVersion={route.runsByVersion} />;
    default:
      return (
        <main class="page">
          <h1>Page not found</h1>
          <p>
            No page at <code>{route.path}</code>. <a href={links.experiments()}>Go to experiments</a>.
          </p>
        </main>
      );
  }
}

export function App() {
  const hash = useHash();
  const [needAuth, setNeedAuth] = useState(false);
  const [generation, setGeneration] = useState(0);
  useEffect(() => onAuthRequired(() => setNeedAuth(true)), []);
  const route = parseRoute(splitHash(hash));
  const section =
    route.page === 'models' || route.page === 'model' || route.page === 'model-version' ? 'models' : 'experiments';
  return (
    <>
      <button
        type="button"
        class="skip-link"
        onClick={() => document.querySelector<HTMLElement>('main a, main button, main input')?.focus()}
      >
        Skip to content
      </button>
      <header class="topbar">
        <a class="brand" href={links.experiments()}>
          mlflow<span>-ts</span>
        </a>
        <nav aria-label="Main">
          <a href={links.experiments()} aria-current={section === 'experiments' ? 'page' : undefined}>
            Experiments
          </a>
          <a href={links.models()} aria-current={section === 'models' ? 'page' : undefined}>
            Models
          </a>
        </nav>
      </header>
      <div id="main-content" key={generation}>
        <Page hash={hash} />
      </div>
      {needAuth ? (
        <SignIn
          onDone={() => {
            setNeedAuth(false);
            setGeneration((g) => g + 1);
          }}
        />
      ) : null}
    </>
  );
}
