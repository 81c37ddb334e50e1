import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { useLocation } from "wouter";

/**
 * Saving an edit form of `kind` (`integration`, `subscription`): the list and the saved item are read again, and a new
 * item opens at its own page. `submit` is the form's onSubmit; `save` the mutation, for its pending state and error.
 */
export function useSaveForm<Saved extends { id: string }>(options: {
  kind: "integration" | "subscription";
  isNew: boolean;
  save: () => Promise<Saved>;
}) {
  const { kind, isNew } = options;
  const queries = useQueryClient();
  const [, navigate] = useLocation();
  const save = useMutation({
    mutationFn: options.save,
    onSuccess: (saved) => {
      void queries.invalidateQueries({ queryKey: [`${kind}s`] });
      void queries.invalidateQueries({ queryKey: [kind, saved.id] });
      if (isNew) navigate(`/${kind}s/${saved.id}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return { save, submit };
}
