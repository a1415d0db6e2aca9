import { assignmentDeadline, type AssignmentDeadline } from '../domain/working-days';

export function createCalendarActivities() {
  return {
    /**
     * The assignment deadline for a YES given at `answeredAt`. An activity, so that the result is
     * recorded in the workflow's history: later holiday data cannot change a running request.
     */
    async computeDeadline(input: {
      answeredAt: string;
      desiredAvailability: string | null;
    }): Promise<AssignmentDeadline> {
      return assignmentDeadline(new Date(input.answeredAt), input.desiredAvailability);
    },
  };
}
