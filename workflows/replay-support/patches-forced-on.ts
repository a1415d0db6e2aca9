/** workflows/patches.ts with every patch taken unconditionally: the code as if the guard were forgotten. */
export const isPatched = (_id: string): boolean => true;
