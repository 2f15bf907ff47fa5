// The provider object of whats91.Chatbot. This file's path is stored in every such resource's
// state (see core/shim.ts): never move or rename it.
import { dynamicProvider } from "../core/shim";

export = dynamicProvider("whats91:Chatbot");
