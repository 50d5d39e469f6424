import { describeUrlPolicyAttack } from "../support/url-policy-attack";

// A console on a developer's machine: the same name is sent to, as it always was.
describeUrlPolicyAttack("local");
