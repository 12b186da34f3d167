// A stand-in for React's types (the repository does not install React): only the JSX namespace
// that widget/jsx.ts augments, so that test/types/jsx.ts checks the augmentation. A script file
// (no import or export): it declares the module 'react' for the type check only.
declare module 'react' {
  export namespace JSX {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface IntrinsicElements {}
  }
}
