export const clientDir: string;
export const repoRoot: string;
export const venvPython: string;
export const schemaTsPath: string;
export const openapiJsonPath: string;
export function hasPython(): boolean;
export function dumpOpenapi(): string;
export function schemaToTs(openapiJson: string): Promise<string>;
