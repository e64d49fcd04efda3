import { useState } from "preact/hooks";
import { api, ApiError, type Session } from "./api.js";

/** Signs in with one environment's API key; the session (a signed, httpOnly cookie) sees that environment only. */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api.signIn(key));
    } catch (thrown) {
      setError(thrown instanceof ApiError && thrown.code === "rate_limited" ? `Too many attempts: ${thrown.message}` : thrown instanceof Error ? thrown.message : String(thrown));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in" id="main">
      <h1>Tidings console</h1>
      <form onSubmit={submit}>
        <label for="api-key">Environment API key</label>
        <input id="api-key" name="apiKey" type="password" autoComplete="current-password" required minLength={16} value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        <p class="hint">The key the environment's webhooks and feed take (<code>Authorization: ApiKey …</code>); `pnpm start` prints the demo's.</p>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {error === undefined ? null : (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
