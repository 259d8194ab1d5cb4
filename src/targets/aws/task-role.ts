import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';

/** One IAM policy statement, as written into the policy JSON. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** Where the role lives, for the confused-deputy conditions of its trust policy. */
export interface AccountContext {
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
}

export interface TaskRoleProps {
  readonly roleName: string;
  /**
   * `task`: assumed for the containers; its trust policy carries the `aws:SourceAccount` and
   * `aws:SourceArn` conditions of the ECS task-role guide. `execution`: assumed by the ECS agent;
   * its trust policy carries `aws:SourceAccount` only (the confused-deputy condition the
   * task-execution-role guide gives; the agent's calls are not documented to carry a source ARN,
   * and a condition it does not meet would stop every task).
   */
  readonly kind: 'task' | 'execution';
  readonly description: string;
  readonly account: AccountContext;
  /**
   * Inline permissions.
   * @default - none (a role with no permissions)
   */
  readonly statements?: readonly PolicyStatement[];
}

/**
 * A role for ECS tasks with inline permissions: a task role (what the containers may do; only
 * tasks of this account and region can assume it) or an execution role (what the ECS agent may
 * do for the task: write its logs, read its secrets).
 */
export class TaskRole extends Construct {
  readonly role: IamRole;
  readonly statements: readonly PolicyStatement[];

  constructor(scope: Construct, id: string, props: TaskRoleProps) {
    super(scope, id);
    const { accountId, partition, region } = props.account;
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'ecs-tasks.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: { 'aws:SourceAccount': accountId },
              ...(props.kind === 'task' ? { ArnLike: { 'aws:SourceArn': `arn:${partition}:ecs:${region}:${accountId}:*` } } : {}),
            },
          },
        ],
      }),
    });
    this.statements = props.statements ?? [];
    if (this.statements.length > 0) {
      new IamRolePolicy(this, 'policy', { name: props.roleName, role: this.role.id, policy: policyDocument(this.statements) });
    }
  }
}
