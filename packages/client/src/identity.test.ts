import { defaultUserColor } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { devToken, resolveUser, userFromToken } from "./identity.js";

const base64Url = (value: string) => Buffer.from(value).toString("base64url");
const jwt = (claims: object) => `${base64Url('{"alg":"HS256"}')}.${base64Url(JSON.stringify(claims))}.signature`;

describe("the local user", () => {
  it("comes from the token's claims first, as the server stamps it", () => {
    const token = jwt({ sub: "u1", name: "Zoë Ångström", access: { "*": "editor" } });
    expect(userFromToken(token)).toEqual({ id: "u1", name: "Zoë Ångström" });
    expect(resolveUser({ name: "Someone else", color: "#123456" }, token)).toEqual({
      id: "u1",
      name: "Zoë Ångström",
      color: "#123456",
    });
  });

  it("is the host's input in dev mode, with the server's defaults for what is missing", () => {
    const user = resolveUser({ name: "Ada" }, undefined);
    expect(user).toEqual({ id: "dev:Ada", name: "Ada", color: defaultUserColor("dev:Ada") });
    expect(resolveUser(undefined, devToken(user))).toEqual(user);
    expect(resolveUser(undefined, "not a token")).toMatchObject({ name: "Anonymous", id: "dev:Anonymous" });
  });

  it("is a program when its token says `program: true`, in a JWT or a dev token", () => {
    expect(resolveUser(undefined, jwt({ sub: "bot", name: "Reviewer", program: true }))).toMatchObject({
      id: "bot",
      program: true,
    });
    const bot = resolveUser(undefined, JSON.stringify({ id: "bot", name: "Reviewer", program: true }));
    expect(resolveUser(undefined, devToken(bot))).toEqual(bot);
    expect(resolveUser(undefined, jwt({ sub: "u1", name: "Ada", program: "yes" }))).not.toHaveProperty("program");
  });
});
