// The editor's palette: every registered kind with an editor capability (its starter document,
// node summary and property panel come from the kind's folder, never from the site).
import '../../../synth/index.ts';
import { registeredKindDefinitions } from '../../../synth/core/registry/kinds.ts';
import type { EditorCapability } from '../../../synth/core/registry/kinds.ts';

export type PaletteItem = EditorCapability & { kind: string };

export const PALETTE: PaletteItem[] = registeredKindDefinitions().flatMap((k) => (k.editor ? [{ ...k.editor, kind: k.kind }] : []));

export const paletteFor = (kind: string) => PALETTE.find((p) => p.kind === kind);
