import { isHeraldError } from "@herald/client";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { AuthProvider, UNAUTHORIZED_EVENT } from "./auth";
import "./styles.css";

// A 401 anywhere means the token expired or was revoked: the session ends (AuthProvider listens).
const onError = (error: unknown) => {
  if (isHeraldError(error) && error.status === 401 && error.operation !== "authenticate")
    window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
};

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      // The client already retries 429/5xx; a 4xx will not change by asking again.
      retry: (count, error) => count < 1 && !(isHeraldError(error) && error.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});

const root = document.getElementById("root");
if (root)
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <AuthProvider>
          <App />
        </AuthProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
