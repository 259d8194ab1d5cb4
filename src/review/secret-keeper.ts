/**
 * The keeper of a generated password's random_password that holds the day it was last rotated
 * (`grafanaAdminPasswordRotatedOn`): written by the AWS stack, read back by `o11y review`, which
 * loads no cdktf and so cannot import the construct.
 */
export const ROTATED_ON_KEEPER_NAME = 'rotated_on';
