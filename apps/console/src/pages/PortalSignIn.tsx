import { isHeraldError } from "@herald/client";
import { useEffect, useState } from "react";
import { useLocation } from "wouter";
import { useAuth } from "../auth";
import { errorText } from "../format";
import { type Session, signInWithPortal } from "../session";

/** The code and embed flag of the portal URL's fragment (`#code=...&embed=1`), read once. */
function readFragment(): { code: string | undefined; embed: boolean } {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  return { code: fragment.get("code") ?? undefined, embed: fragment.get("embed") === "1" };
}

// One exchange per code, whatever renders it twice (the code is single-use: a second exchange would answer "used").
const exchanges = new Map<string, Promise<Session>>();

/** What a person is told when the code cannot be used. */
const REFUSALS: Record<string, { title: string; text: string }> = {
  portal_code_used: {
    title: "This portal link was already used",
    text: "A portal link signs in once. Ask whoever gave you the link for a new one.",
  },
  portal_code_expired: {
    title: "This portal link has expired",
    text: "Portal links are valid for a limited time. Ask whoever gave you the link for a new one.",
  },
  portal_code_unknown: {
    title: "This portal link is not valid",
    text: "Herald knows no such link: check that the whole address was copied, or ask for a new link.",
  },
};

/** /console/portal#code=...: exchanges a portal link's code for a session, then opens the console. */
export default function PortalSignIn() {
  const { setSession } = useAuth();
  const [, navigate] = useLocation();
  const [{ code, embed }] = useState(readFragment);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    // The code leaves the address bar (and the history entry) at once: it is a credential, if a used one.
    if (window.location.hash) history.replaceState(history.state, "", window.location.pathname);
    if (!code) return;
    let current = true;
    let exchange = exchanges.get(code);
    if (!exchange) {
      exchange = signInWithPortal(code, embed);
      exchanges.set(code, exchange);
    }
    exchange.then(
      (session) => {
        if (!current) return;
        setSession(session);
        navigate("/overview", { replace: true });
      },
      (failure: unknown) => {
        if (current) setError(failure);
      },
    );
    return () => {
      current = false;
    };
  }, [code, embed, setSession, navigate]);

  if (!code)
    return (
      <Refusal
        title="This portal link holds no sign-in code"
        text="The address lacks its code (the part after #code=). Open the link exactly as it was given to you."
      />
    );
  if (error) {
    const refusal = isHeraldError(error) ? REFUSALS[error.code] : undefined;
    return refusal ? (
      <Refusal title={refusal.title} text={refusal.text} />
    ) : (
      <Refusal title="Could not sign in with this portal link" text={errorText(error)} />
    );
  }
  return (
    <section className="card" aria-labelledby="portal-title" aria-busy="true">
      <h1 id="portal-title">Herald Console</h1>
      <p role="status">Signing in with the portal link…</p>
    </section>
  );
}

function Refusal({ title, text }: { title: string; text: string }) {
  return (
    <section className="card" aria-labelledby="portal-title">
      <h1 id="portal-title">{title}</h1>
      <p role="alert">{text}</p>
    </section>
  );
}
