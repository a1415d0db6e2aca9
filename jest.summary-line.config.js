// A jest reporter (named *.config.js to sit with jest's other configuration). It ends the run with
// one plain line, "Tests: N passed, N failed", after everything jest prints: the closing line that
// CI's log reader understands in any language (jest's own "738 passed, 738 total" is not one it knows).
// On standard output: jest writes its whole report to standard error, and a reader of standard output
// alone found no closing line at all and recorded the run as having run no test.
let line; // the last run's line; printed on exit, after jest's summary (printed at the same moment)
process.once('exit', () => line && process.stdout.write(`\n${line}\n`));

class SummaryLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // Suites that never ran (a missing server, a syntax error) and a run that failed without a
    // failing test (an error outside the tests, a snapshot) count as failures, never as a pass.
    let failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    if (failed === 0 && (results.runExecError || results.snapshot?.failure)) failed = 1;
    line = `Tests: ${results.numPassedTests} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : '');
  }
}

module.exports = SummaryLineReporter;
