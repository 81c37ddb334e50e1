import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useAuth } from "../auth";
import { ErrorMessage } from "../components/ErrorMessage";
import { signIn } from "../session";

export default function SignIn() {
  const { setSession } = useAuth();
  const [accessKeyId, setAccessKeyId] = useState("");
  const [secretKey, setSecretKey] = useState("");
  const login = useMutation({
    mutationFn: () => signIn(accessKeyId.trim(), secretKey),
    onSuccess: setSession,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="signin-title">
      <h1 id="signin-title">Herald Console</h1>
      <p>Sign in with an access key of your account.</p>
      <label>
        Access key id
        <input
          name="access_key_id"
          autoComplete="username"
          required
          value={accessKeyId}
          onChange={(e) => setAccessKeyId(e.target.value)}
        />
      </label>
      <label>
        Secret key
        <input
          name="secret_key"
          type="password"
          autoComplete="current-password"
          required
          value={secretKey}
          onChange={(e) => setSecretKey(e.target.value)}
        />
      </label>
      <ErrorMessage error={login.error} />
      <button type="submit" disabled={login.isPending}>
        {login.isPending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
