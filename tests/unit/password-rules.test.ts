import { describe, expect, test } from "vitest";
import { MIN_PASSWORD_LENGTH, passwordProblem } from "@/lib/auth/password-rules";

describe("the rules for a chosen password", () => {
  test.each([
    ["eleven char", "Choose a password of at least 12 characters."],
    ["x".repeat(1025), "Choose a password of at most 1,024 characters."],
    ["Person@Example.com", "Choose a password that is not your email address."],
    ["person.name@example.com", "Choose a password that is not your email address."],
    ["Password1234", "This password is one of the most common ones. Choose another."],
    ["aaaaaaaaaaaaaaaa", "This password is one of the most common ones. Choose another."],
    ["123456789012", "This password is one of the most common ones. Choose another."],
  ])("%s is refused", (password, problem) => {
    expect(passwordProblem(password, password.includes("person.name") ? "person.name@example.com" : "person@example.com")).toBe(problem);
  });

  test("a long password of one's own is fine, from the minimum length on", () => {
    expect(passwordProblem("x".repeat(MIN_PASSWORD_LENGTH - 2) + "yz", "person@example.com")).toBeNull();
    expect(passwordProblem("correct horse battery staple", "person@example.com")).toBeNull();
    expect(passwordProblem("xyz ".repeat(256), "person@example.com")).toBeNull();
  });
});
