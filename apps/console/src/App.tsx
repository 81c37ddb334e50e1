import { lazy, Suspense, useEffect, useRef } from "react";
import { Link, Redirect, Route, Router, Switch, useLocation } from "wouter";
import { useAuth, usePermissions } from "./auth";

// One chunk per page: the first load carries the shell and the sign-in form only.
const SignIn = lazy(() => import("./pages/SignIn"));
const PortalSignIn = lazy(() => import("./pages/PortalSignIn"));
const Overview = lazy(() => import("./pages/Overview"));
const PortalBanner = lazy(() => import("./components/PortalBanner"));
const Notifications = lazy(() => import("./pages/Notifications"));
const NotificationDetail = lazy(() => import("./pages/NotificationDetail"));
const Subscriptions = lazy(() => import("./pages/Subscriptions"));
const SubscriptionEdit = lazy(() => import("./pages/SubscriptionEdit"));
const Integrations = lazy(() => import("./pages/Integrations"));
const IntegrationEdit = lazy(() => import("./pages/IntegrationEdit"));

/** The navigation; `subscriptions` pages are left out of a portal session limited to some integrations. */
const NAVIGATION = [
  { href: "/overview", label: "Overview" },
  { href: "/notifications", label: "Notifications" },
  { href: "/subscriptions", label: "Subscriptions", needs: "subscriptions" },
  { href: "/integrations", label: "Integrations" },
] as const;

export function App() {
  return (
    <Router base="/console">
      <Shell />
    </Router>
  );
}

function Shell() {
  const { session, signOut, portalEnded } = useAuth();
  const permissions = usePermissions();
  const [location] = useLocation();
  // After a navigation, focus goes to the new page's content (as a page load would put it at the top), so keyboard
  // and screen-reader users start there instead of on the link they left.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (location) document.getElementById("main")?.focus();
  }, [location]);
  // A portal link's page signs in with its code, whatever session the tab had.
  if (location === "/portal")
    return (
      <main id="main" className="signin">
        <Suspense fallback={<p>Loading…</p>}>
          <PortalSignIn />
        </Suspense>
      </main>
    );
  if (!session)
    return (
      <main id="main" className="signin">
        {portalEnded ? (
          <section className="card" aria-labelledby="ended-title">
            <h1 id="ended-title">Your portal session has ended</h1>
            <p>Portal access lasts a limited time. Open a new portal link to continue.</p>
          </section>
        ) : (
          <Suspense fallback={<p>Loading…</p>}>
            <SignIn />
          </Suspense>
        )}
      </main>
    );
  const embed = session.portal?.embed === true;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className={embed ? "top compact" : "top"}>
        <span className="brand">Herald Console</span>
        <nav aria-label="Main">
          <ul>
            {NAVIGATION.filter((item) => !("needs" in item) || permissions[item.needs]).map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={location.startsWith(item.href) ? "page" : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
            {!embed && (
              <li>
                <a href="/herald/v2/docs">API reference</a>
              </li>
            )}
          </ul>
        </nav>
        {!embed && (
          <span className="who">
            {session.userName} · {session.accountName} ({session.accountId})
          </span>
        )}
        {/* In a frame, signing out would leave the host page holding a dead frame: the session ends with its expiry. */}
        {!embed && (
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        )}
      </header>
      {session.portal && (
        <Suspense fallback={null}>
          <PortalBanner portal={session.portal} expiresAt={session.expiresAt} />
        </Suspense>
      )}
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p>Loading…</p>}>
          <Switch>
            <Route path="/overview" component={Overview} />
            <Route path="/notifications" component={Notifications} />
            <Route path="/notifications/:id">{(params) => <NotificationDetail id={params.id} />}</Route>
            {permissions.subscriptions && <Route path="/subscriptions" component={Subscriptions} />}
            {permissions.subscriptions && <Route path="/subscriptions/new">{() => <SubscriptionEdit />}</Route>}
            {permissions.subscriptions && (
              <Route path="/subscriptions/:id">{(params) => <SubscriptionEdit id={params.id} />}</Route>
            )}
            <Route path="/integrations" component={Integrations} />
            {permissions.manageIntegrations && <Route path="/integrations/new">{() => <IntegrationEdit />}</Route>}
            <Route path="/integrations/:id">{(params) => <IntegrationEdit id={params.id} />}</Route>
            <Route path="/">
              <Redirect to="/overview" />
            </Route>
            <Route>
              <h1>Not found</h1>
              <p>
                No page here. <Link href="/overview">Overview</Link>
              </p>
            </Route>
          </Switch>
        </Suspense>
      </main>
    </>
  );
}
