/** The tests' SMTP listener is the shared one in dev/ (the chaos and bench scripts use it too). */
export * from '../../dev/smtp-listener';
