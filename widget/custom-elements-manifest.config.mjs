// custom-elements.json for <rnn-predict> (run by `npm run build`): public API only.
export default {
  globs: ['widget/rnn-predict.ts', 'widget/define.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [
    {
      name: 'public-api-only',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules) {
          for (const d of mod.declarations ?? []) {
            if (d.members) d.members = d.members.filter((m) => m.privacy !== 'private' && !m.name.startsWith('#'));
            // The events are the ones the class's JSDoc documents (@fires {RnnAcceptEvent} rnn-accept - …);
            // the analyzer also reads `this.dispatchEvent(new RnnAcceptEvent(detail))` and takes the
            // detail's name for the event's.
            if (d.events) d.events = d.events.filter((e) => e.description);
          }
        }
      },
    },
  ],
};
