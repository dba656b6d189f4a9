/**
 * How tables and figures name a task: the toy tasks by id and target rule, the language tasks by
 * id and their target and spurious features.
 */
import { PREFIX_TASKS, type LanguageTaskId } from '../tasks/language/prefix_tasks';
import { TOY_TASKS, type ToyTaskId } from '../tasks/toy_generator';

/** `1 contains-1`: a task's id and target rule, as the figures name it. */
export function toyTaskName(task: number): string {
  return `${task} ${TOY_TASKS[task as ToyTaskId].target}`;
}

/** `1 $ vs #`: a language task's id and its target and spurious features, as the tables name it. */
export function languageTaskName(task: number): string {
  const t = PREFIX_TASKS[task as LanguageTaskId];
  return t ? `${task}: t=${t.target}, s=${t.spurious}` : String(task);
}
