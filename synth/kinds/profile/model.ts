/** A resolved Profile: named defaults, per kind of file they apply to (schema-valid, as written). */
export interface ProfileModel {
  kind: 'Profile';
  name: string;
  project: string;
  file: string;
  description: string;
  /** Defaults for Website files: the fields of a Website's spec the profile sets. */
  website: Record<string, unknown>;
}
