// Kills a program started under processIsolation().prefix as a crashed container dies: SIGKILL to the
// init of its PID namespace ends every member, nested namespaces included, with nothing found by a
// walk of parent ids (which races processes being started). Without namespaces, its process group.
// The wrapper (unshare) exits only once the kernel has ended every member.
import { namespaceInit, type ProcessIsolation } from '../../shared/codex/process-isolation.js';

export function killLikeACrash(wrapperPid: number, isolation: ProcessIsolation): void {
  process.kill(isolation.mode === 'pid-namespace' ? (namespaceInit(wrapperPid) ?? wrapperPid) : -wrapperPid, 'SIGKILL');
}
