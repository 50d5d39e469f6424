import { describeUrlPolicyAttack } from "../support/url-policy-attack";

// A shared deployment: a name that resolves to loopback must not be sent to on any path.
describeUrlPolicyAttack("line");
