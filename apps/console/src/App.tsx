import { lazy, Suspense, useEffect, useRef } from "react";
import { Link, Redirect, Route, Router, Switch, useLocation } from "wouter";
import { useAuth } from "./auth";

// One chunk per page: the first load carries the shell and the sign-in form only.
const SignIn = lazy(() => import("./pages/SignIn"));
const Notifications = lazy(() => import("./pages/Notifications"));
const NotificationDetail = lazy(() => import("./pages/NotificationDetail"));
const Subscriptions = lazy(() => import("./pages/Subscriptions"));
const SubscriptionEdit = lazy(() => import("./pages/SubscriptionEdit"));
const Integrations = lazy(() => import("./pages/Integrations"));
const IntegrationEdit = lazy(() => import("./pages/IntegrationEdit"));

/** The navigation: a page is listed here once the operations it reads exist (the overview waits for its own). */
const NAVIGATION = [
  { href: "/notifications", label: "Notifications" },
  { href: "/subscriptions", label: "Subscriptions" },
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
  const { session, signOut } = useAuth();
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
  if (!session)
    return (
      <main id="main" className="signin">
        <Suspense fallback={<p>Loading…</p>}>
          <SignIn />
        </Suspense>
      </main>
    );
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Herald Console</span>
        <nav aria-label="Main">
          <ul>
            {NAVIGATION.map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={location.startsWith(item.href) ? "page" : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
            <li>
              <a href="/herald/v2/docs">API reference</a>
            </li>
          </ul>
        </nav>
        <span className="who">
          {session.userName} · {session.accountName} ({session.accountId})
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p>Loading…</p>}>
          <Switch>
            <Route path="/notifications" component={Notifications} />
            <Route path="/notifications/:id">{(params) => <NotificationDetail id={params.id} />}</Route>
            <Route path="/subscriptions" component={Subscriptions} />
            <Route path="/subscriptions/new">{() => <SubscriptionEdit />}</Route>
            <Route path="/subscriptions/:id">{(params) => <SubscriptionEdit id={params.id} />}</Route>
            <Route path="/integrations" component={Integrations} />
            <Route path="/integrations/new">{() => <IntegrationEdit />}</Route>
            <Route path="/integrations/:id">{(params) => <IntegrationEdit id={params.id} />}</Route>
            <Route path="/">
              <Redirect to="/notifications" />
            </Route>
            <Route>
              <h1>Not found</h1>
              <p>
                No page here. <Link href="/notifications">Notifications</Link>
              </p>
            </Route>
          </Switch>
        </Suspense>
      </main>
    </>
  );
}
