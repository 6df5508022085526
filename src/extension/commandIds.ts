/** Command identifiers; each palette command is also declared in package.json `contributes.commands`. */
export const COMMANDS = {
  setLanguage: 'checkpointLens.setLanguage',
  analyzeLogFile: 'checkpointLens.analyzeLogFile',
  showExplanation: 'checkpointLens.showExplanation',
  goToRootCause: 'checkpointLens.goToRootCause',
  copyCommand: 'checkpointLens.copyCommand',
  openConfigSnippet: 'checkpointLens.openConfigSnippet',
} as const;
