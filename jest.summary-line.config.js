// A jest reporter (named *.config.js to sit with jest's other configuration). It ends the run with
// one plain line, "Tests: N passed, N failed", after everything jest prints: the closing line that
// CI's log reader understands in any language (jest's own "738 passed, 738 total" is not one it knows).
class SummaryLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const broken = results.numRuntimeErrorTestSuites; // suites that never ran (a missing server, a syntax error)
    const line =
      `Tests: ${results.numPassedTests} passed, ${results.numFailedTests + broken} failed` +
      (skipped ? `, ${skipped} skipped` : '');
    // On exit, so that it comes after jest's summary, which other reporters print at the same moment.
    process.once('exit', () => process.stderr.write(`\n${line}\n`));
  }
}

module.exports = SummaryLineReporter;
