import { usePermissions } from "../auth";
import { ErrorMessage } from "./ErrorMessage";

/**
 * The end of an edit form: what saving answered (its error, or "Saved." after an edit), then the submit button, or a
 * note that the session may only read.
 */
export function FormFooter(props: {
  save: { error: unknown; isSuccess: boolean; isPending: boolean };
  isNew: boolean;
  /** False while the form holds something the server would refuse (the button is disabled). */
  valid: boolean;
  createLabel: string;
  readOnlyNote: string;
}) {
  const { write } = usePermissions();
  const { save, isNew } = props;
  return (
    <>
      <ErrorMessage error={save.error} />
      {save.isSuccess && !isNew && <p role="status">Saved.</p>}
      {write ? (
        <button type="submit" disabled={save.isPending || !props.valid}>
          {isNew ? props.createLabel : "Save"}
        </button>
      ) : (
        <p>{props.readOnlyNote}</p>
      )}
    </>
  );
}
