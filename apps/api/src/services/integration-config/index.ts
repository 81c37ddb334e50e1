// Each integration type's configuration as the API takes and shows it, and as a row stores it: what is checked when it
// is saved, what is a credential (sealed in `secrets`, masked in answers), what is plain settings (`config`), and
// where calls go (`targetUrl`, never a credential). A new type is a case in create.ts, update.ts (and its UPDATABLE
// table) and answer.ts.
export { toIntegration } from "./answer";
export { checkConversion } from "./checks";
export { storedFromCreate } from "./create";
export type { StoredConfig } from "./stored";
export { storedFromUpdate } from "./update";
