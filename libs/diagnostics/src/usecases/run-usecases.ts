import { randomUUID } from 'node:crypto';

import { CancelDiagnostic } from './cancel-diagnostic.usecase';
import { FollowRunTask } from './follow-run-task.usecase';
import { GetDiagnostic } from './get-diagnostic.usecase';
import { ListDiagnostics } from './list-diagnostics.usecase';
import { RunDiagnostic } from './run-diagnostic.usecase';
import type { RunUseCaseDeps } from './run-usecase-deps';
import { TimeOutRuns } from './time-out-runs.usecase';
import { GetUdpEchoResponder, SetUdpEchoResponder } from './udp-echo-responder.usecase';

export interface RunUseCases {
  setUdpEchoResponder: SetUdpEchoResponder;
  getUdpEchoResponder: GetUdpEchoResponder;
  runDiagnostic: RunDiagnostic;
  getDiagnostic: GetDiagnostic;
  listDiagnostics: ListDiagnostics;
  cancelDiagnostic: CancelDiagnostic;
  followRunTask: FollowRunTask;
  timeOutRuns: TimeOutRuns;
}

/** Every run use case built once on the store and the ports; `now` and `newId` default to the wall clock and UUIDs. */
export function createRunUseCases(deps: Omit<RunUseCaseDeps, 'now' | 'newId'> & Partial<Pick<RunUseCaseDeps, 'now' | 'newId'>>): RunUseCases {
  const shared: RunUseCaseDeps = { ...deps, now: deps.now ?? Date.now, newId: deps.newId ?? randomUUID };
  return {
    runDiagnostic: new RunDiagnostic(shared),
    getDiagnostic: new GetDiagnostic(shared),
    listDiagnostics: new ListDiagnostics(shared),
    cancelDiagnostic: new CancelDiagnostic(shared),
    followRunTask: new FollowRunTask(shared),
    timeOutRuns: new TimeOutRuns(shared),
    setUdpEchoResponder: new SetUdpEchoResponder(shared),
    getUdpEchoResponder: new GetUdpEchoResponder(shared),
  };
}
